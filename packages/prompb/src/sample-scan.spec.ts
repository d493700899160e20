import fc from "fast-check";
import { MalformedError, PrompbError } from "./errors";
import { floatChunk, integerChunk } from "./private/testing/histogram-chunks";
import type { Label } from "./relabel";
import { type SampleVisitor, scanWriteRequest } from "./sample-scan";
import { decodeWriteRequest, encodeWriteRequest, type WriteSeries } from "./write-request";

const STALE = 0x7ff0000000000002n;

interface Seen {
  labels: Label[];
  samples: [t: number, stale: boolean, histogram: boolean][];
}

function scan(body: Uint8Array): Seen[] {
  const seen: Seen[] = [];
  const visitor: SampleVisitor = {
    series: (labels) => seen.push({ labels, samples: [] }),
    sample: (t, stale, histogram) => seen.at(-1)?.samples.push([t, stale, histogram]),
  };
  scanWriteRequest(body, visitor);
  return seen;
}

const sample = fc.record({
  timestampMs: fc.integer({ min: -(2 ** 50), max: 2 ** 50 }),
  value: fc.constant(0),
  valueBits: fc.oneof(
    fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    fc.constantFrom(STALE, 0x7ff8000000000001n, 0x7ff0000000000001n, 0xfff0000000000002n),
  ),
});

describe("scanWriteRequest", () => {
  it("reports labels, timestamps and stale markers exactly as the full decoder sees them", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            labels: fc.array(fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })), {
              maxLength: 4,
            }),
            samples: fc.array(sample, { maxLength: 20 }),
            histograms: fc.oneof(integerChunk, floatChunk),
          }),
          { maxLength: 5 },
        ),
        (input: WriteSeries[]) => {
          const body = encodeWriteRequest(input);
          const expected = decodeWriteRequest(body).map((s) => ({
            labels: s.labels,
            samples: [
              ...s.samples.map((x): Seen["samples"][number] => [x.timestampMs, x.valueBits === STALE, false]),
              ...s.histograms.map((h): Seen["samples"][number] => [h.timestampMs, h.sumBits === STALE, true]),
            ],
          }));
          expect(scan(body)).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("tells a stale float and a stale histogram from other NaNs", () => {
    const body = encodeWriteRequest([
      {
        labels: [["__name__", "up"]],
        samples: [
          { timestampMs: 1, value: 1 },
          { timestampMs: 2, value: Number.NaN, valueBits: STALE },
          { timestampMs: 3, value: Number.NaN },
        ],
        histograms: [
          {
            kind: "integer",
            timestampMs: 4,
            sumBits: STALE,
            schema: 0,
            zeroThresholdBits: 0n,
            negativeSpans: [],
            positiveSpans: [],
            resetHint: 0,
            count: 0,
            zeroCount: 0,
            negativeDeltas: [],
            positiveDeltas: [],
          },
        ],
      },
    ]);
    expect(scan(body)).toEqual([
      {
        labels: [["__name__", "up"]],
        samples: [
          [1, false, false],
          [2, true, false],
          [3, false, false],
          [4, true, true],
        ],
      },
    ]);
  });

  it("throws only typed errors on garbage", () => {
    expect(() => scan(Uint8Array.of(0x0a, 0x05, 0x0a, 0x03, 0x0a, 0x01, 0xff))).toThrow(MalformedError);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (data) => {
        try {
          scan(data);
        } catch (err) {
          expect(err).toBeInstanceOf(PrompbError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
