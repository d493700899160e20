import fc from "fast-check";
import { MalformedError, PrompbError } from "./errors";
import { captureBody } from "./private/testing/fixtures";
import { floatChunk, integerChunk } from "./private/testing/histogram-chunks";
import { uncompressBlock } from "./snappy";
import { spliceReadResponse } from "./splice";
import { countWriteRequest, decodeWriteRequest, encodeWriteRequest, type WriteSeries } from "./write-request";

const labelPair = fc.tuple(
  fc.string({ unit: "grapheme", maxLength: 12 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
);
const sample = fc.record({
  timestampMs: fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
  value: fc.constant(0),
  valueBits: fc.oneof(
    fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    fc.constantFrom(
      0x7ff0000000000002n,
      0x7ff8000000000001n,
      0x7ff4000000000abcn,
      0xfff8000000000000n,
      0x8000000000000000n,
    ),
  ),
});
const series = fc.record({
  labels: fc.array(labelPair, { maxLength: 5 }),
  samples: fc.array(sample, { maxLength: 30 }),
});

describe("write requests", () => {
  it("round-trip labels, timestamps and value bits exactly, NaN payloads included", () => {
    fc.assert(
      fc.property(fc.array(series, { maxLength: 6 }), (input) => {
        const body = encodeWriteRequest(input);
        const decoded = decodeWriteRequest(body);
        expect(decoded.map((s) => s.labels)).toEqual(input.map((s) => s.labels));
        expect(decoded.map((s) => s.samples.map((x) => [x.timestampMs, x.valueBits]))).toEqual(
          input.map((s) => s.samples.map((x) => [x.timestampMs, x.valueBits])),
        );
        expect(countWriteRequest(body)).toEqual({
          series: input.length,
          samples: input.reduce((n, s) => n + s.samples.length, 0),
          histograms: 0,
        });
      }),
      { numRuns: 200 },
    );
  });

  it("encodes plain numbers when no bits are given", () => {
    fc.assert(
      fc.property(fc.double(), fc.integer({ min: -(2 ** 50), max: 2 ** 50 }), (value, timestampMs) => {
        const [s] = decodeWriteRequest(
          encodeWriteRequest([{ labels: [], samples: [{ timestampMs, value }] }]),
        );
        expect(s!.samples[0]!.timestampMs).toBe(timestampMs);
        expect(Object.is(s!.samples[0]!.value, value)).toBe(true);
      }),
    );
  });

  it("counts and decodes spliced real data consistently", () => {
    const body = uncompressBlock(captureBody("samples-all.snappy"), 1 << 24);
    for (const batch of spliceReadResponse(body, { maxSamples: 1000, maxBytes: 1 << 20 })) {
      const decoded = decodeWriteRequest(batch.body);
      expect(countWriteRequest(batch.body)).toEqual({
        series: decoded.length,
        samples: decoded.reduce((n, s) => n + s.samples.length, 0),
        histograms: 0,
      });
    }
  });

  it("counts histogram samples without decoding them, and skips metadata", () => {
    const one: WriteSeries = { labels: [["__name__", "h"]], samples: [{ timestampMs: 1, value: 2 }] };
    const ts = encodeWriteRequest([one]);
    // Append two opaque Histogram fields (tag 4) to the TimeSeries, and a metadata entry (field 3).
    const content = Buffer.concat([ts.subarray(2), Buffer.from([0x22, 0x02, 0x08, 0x01, 0x22, 0x00])]);
    const body = Buffer.concat([
      Buffer.from([0x0a, content.length]),
      content,
      Buffer.from([0x1a, 0x02, 0x08, 0x01]),
    ]);
    expect(countWriteRequest(body)).toEqual({ series: 1, samples: 1, histograms: 2 });
    const [s] = decodeWriteRequest(body);
    expect(s!.histograms).toHaveLength(2);
    expect(s!.samples).toHaveLength(1);
  });

  it("round-trips native histograms of both kinds after the float samples", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(integerChunk, floatChunk), { maxLength: 4 }), (chunks) => {
        const input: WriteSeries[] = chunks.map((histograms, i) => ({
          labels: [["h", String(i)]],
          samples: [{ timestampMs: i, value: i }],
          histograms,
        }));
        const body = encodeWriteRequest(input);
        expect(decodeWriteRequest(body).map((s) => s.histograms)).toEqual(chunks);
        expect(countWriteRequest(body)).toEqual({
          series: chunks.length,
          samples: chunks.length,
          histograms: chunks.reduce((n, c) => n + c.length, 0),
        });
      }),
      { numRuns: 50 },
    );
  });

  it("throws only typed errors on garbage", () => {
    expect(() => decodeWriteRequest(Uint8Array.of(0x0a, 0x04, 0x0a, 0x02, 0x0a, 0x00))).not.toThrow();
    expect(() => decodeWriteRequest(Uint8Array.of(0x0a, 0x05, 0x0a, 0x03, 0x0a, 0x01, 0xff))).toThrow(
      MalformedError,
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (data) => {
        try {
          decodeWriteRequest(data);
          countWriteRequest(data);
        } catch (err) {
          expect(err).toBeInstanceOf(PrompbError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
