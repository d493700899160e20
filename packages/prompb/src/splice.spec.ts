import fc from "fast-check";
import { PrompbError } from "./errors";
import {
  capture,
  captureBody,
  checkBatches,
  expectedSeries,
  joinBatches,
  type SeriesView,
} from "./private/testing/fixtures";
import { WireReader } from "./private/wire-reader";
import { uncompressBlock } from "./snappy";
import { spliceReadResponse } from "./splice";
import { countWriteRequest, decodeWriteRequest, encodeWriteRequest } from "./write-request";

const NEG_ZERO = "8000000000000000";

/**
 * Prometheus's SAMPLES encoding (gogo protobuf) leaves out a sample value that compares equal to 0,
 * which -0 does, so receivers of a SAMPLES response read +0 there. XOR chunks keep -0.
 */
function asSamplesMode(series: SeriesView[]): SeriesView[] {
  return series.map((s) => ({
    labels: s.labels,
    samples: s.samples.map(([t, v]): [number, string] => [t, v === NEG_ZERO ? "0000000000000000" : v]),
  }));
}

function response(file: string): Uint8Array {
  return uncompressBlock(captureBody(file), 1 << 24);
}

describe("spliceReadResponse on real Prometheus 2.42 responses", () => {
  it("yields every sample of samples-all in order", () => {
    expect(capture("samples-all.snappy").contentType).toBe("application/x-protobuf");
    const batches = spliceReadResponse(response("samples-all.snappy"));
    expect(batches).toHaveLength(1);
    expect(batches[0]!.continuesSeries).toBe(false);
    expect(joinBatches(batches)).toEqual(asSamplesMode(expectedSeries("samples-all.snappy")));
  });

  it("copies the TimeSeries records verbatim", () => {
    const body = response("samples-all.snappy");
    // ReadResponse { results = 1: QueryResult { timeseries = 1 ... } }: the one QueryResult's
    // content is exactly a WriteRequest holding the same series.
    const r = new WireReader().reset(body);
    expect(r.uvarint()).toBe(0x0a);
    const end = r.lengthDelimited();
    expect(end).toBe(body.length);
    const [batch] = spliceReadResponse(body);
    expect(Buffer.from(batch!.body).equals(body.subarray(r.pos, end))).toBe(true);
  });

  it("splices every QueryResult of a multi-query response", () => {
    const batches = spliceReadResponse(response("samples-multi.snappy"));
    expect(joinBatches(batches)).toEqual(asSamplesMode(expectedSeries("samples-multi.snappy")));
  });

  it("shows Prometheus dropping -0 in SAMPLES mode (value field omitted on the wire)", () => {
    const batches = spliceReadResponse(response("samples-all.snappy"));
    const special = decodeWriteRequest(batches[0]!.body).find((s) =>
      s.labels.some(([, v]) => v === "ferry_special"),
    );
    const expected = expectedSeries("samples-all.snappy").find((s) =>
      s.labels.some(([, v]) => v === "ferry_special"),
    );
    const negZeroAt = expected!.samples.find(([, v]) => v === NEG_ZERO)![0];
    expect(special!.samples.find((s) => s.timestampMs === negZeroAt)!.valueBits).toBe(0n);
  });

  it.each([
    { maxSamples: 1, maxBytes: 1 << 20 },
    { maxSamples: 100, maxBytes: 1 << 20 },
    { maxSamples: 719, maxBytes: 1 << 20 },
    { maxSamples: 10_000, maxBytes: 3000 },
    { maxSamples: 250, maxBytes: 1500 },
    { maxSamples: 10_000, maxBytes: 1 },
  ])("splits series at the limits %o without losing or reordering samples", (limits) => {
    const batches = spliceReadResponse(response("samples-all.snappy"), limits);
    checkBatches(batches, limits);
    expect(joinBatches(batches)).toEqual(asSamplesMode(expectedSeries("samples-all.snappy")));
  });

  it("fills a batch with the first part of a series that does not fit", () => {
    const series = (name: string, n: number) => ({
      labels: [["__name__", name]] as [string, string][],
      samples: Array.from({ length: n }, (_, i) => ({ timestampMs: i, value: i })),
    });
    const write = encodeWriteRequest([series("a", 30), series("b", 100), series("c", 5)]);
    // A ReadResponse with one QueryResult holding the same TimeSeries.
    const body = Buffer.concat([Buffer.from([0x0a]), varint(write.length), write]);
    const batches = spliceReadResponse(body, { maxSamples: 50, maxBytes: 1 << 20 });
    expect(batches.map((b) => [b.samples, b.series, b.continuesSeries])).toEqual([
      [50, 2, false],
      [50, 1, true],
      [35, 2, true],
    ]);
  });

  it("leaves out series without samples and skips unknown fields", () => {
    const write = encodeWriteRequest([
      { labels: [["__name__", "empty"]], samples: [] },
      { labels: [["__name__", "x"]], samples: [{ timestampMs: 5, value: 1 }] },
    ]);
    const result = Buffer.concat([write, Buffer.from([0x10, 0x01])]); // unknown varint field 2
    const body = Buffer.concat([Buffer.from([0x12, 0x00, 0x0a]), varint(result.length), result]);
    const batches = spliceReadResponse(body);
    expect(batches).toHaveLength(1);
    expect(decodeWriteRequest(batches[0]!.body).map((s) => s.labels[0]![1])).toEqual(["x"]);
    expect(spliceReadResponse(new Uint8Array(0))).toEqual([]);
  });

  it("never throws anything but a PrompbError on mutated responses", () => {
    const body = response("samples-multi.snappy");
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(body.length - 1), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.nat(body.length),
        fc.record({
          maxSamples: fc.integer({ min: 1, max: 500 }),
          maxBytes: fc.integer({ min: 1, max: 10_000 }),
        }),
        (edits, cut, limits) => {
          const mutated = Uint8Array.from(body.subarray(0, cut));
          for (const [at, b] of edits) if (at < mutated.length) mutated[at] = b;
          try {
            for (const batch of spliceReadResponse(mutated, limits)) countWriteRequest(batch.body);
          } catch (err) {
            expect(err).toBeInstanceOf(PrompbError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
}
