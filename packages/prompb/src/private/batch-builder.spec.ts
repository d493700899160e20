import fc from "fast-check";
import { BatchBuilder } from "./batch-builder";
import { sampleFieldSize } from "./sample-field";

describe("BatchBuilder.samplesFitting", () => {
  const timestamps = [0, 1_000, 300_000, 1_700_000_000_000, 2 ** 50, -5];

  it("says how many samples fitsInPart lets in one after another", () => {
    fc.assert(
      fc.property(
        fc.record({
          maxSamples: fc.integer({ min: 1, max: 2_000 }),
          // Also limits where the part's length prefix grows a byte (content 128, 16 384) near the end.
          maxBytes: fc.oneof(
            fc.integer({ min: 1, max: 40_000 }),
            fc.integer({ min: 110, max: 170 }),
            fc.integer({ min: 16_360, max: 16_420 }),
          ),
          labelBytes: fc.integer({ min: 0, max: 300 }),
          before: fc.integer({ min: 0, max: 2_000 }),
          t: fc.constantFrom(...timestamps),
        }),
        ({ maxSamples, maxBytes, labelBytes, before, t }) => {
          const b = new BatchBuilder({ maxSamples, maxBytes });
          b.beginPart(new Uint8Array(labelBytes), labelBytes, false);
          const bytes = sampleFieldSize(t);
          for (let i = 0; i < before && b.fitsInPart(bytes, 1); i++) b.appendSample(t, 0, 0);
          const predicted = b.samplesFitting(bytes);
          let appended = 0;
          while (b.fitsInPart(bytes, 1)) {
            b.appendSample(t, 0x7ff00000, 2);
            appended++;
          }
          expect(predicted).toBe(appended);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
