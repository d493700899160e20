import fc from "fast-check";
import { MalformedError, PrompbError } from "./errors";
import { FloatHistogramChunkIterator } from "./float-histogram-chunk";
import { parseStreamedBody } from "./private/testing/chunked-response";
import { captureBody } from "./private/testing/fixtures";
import {
  decodeHistogramChunk,
  encodeHistogramChunk,
  floatChunk,
  staleHistogram,
  withHints,
} from "./private/testing/histogram-chunks";
import { toHistogram, viewHistogram, writtenSeries } from "./private/testing/histogram-fixtures";
import { ChunkEncoding } from "./xor-chunk";

const floatChunks = (file: string) =>
  parseStreamedBody(captureBody(file)).filter((c) => c.encoding === ChunkEncoding.FLOAT_HISTOGRAM);
const all = floatChunks("histograms-streamed-all.bin");
const clip = floatChunks("histograms-streamed-clip.bin");

describe("FloatHistogramChunkIterator on real Prometheus 2.42 chunks", () => {
  it("finds FLOAT_HISTOGRAM chunks: 2.42 stores float histograms received by remote write", () => {
    expect(all.length).toBeGreaterThan(1);
    expect(new Set(all.map((c) => c.series))).toEqual(new Set(["__name__=ferry_hist_rate,kind=float"]));
  });

  it("decodes them to exactly the float histograms written, bit for bit", () => {
    const written = writtenSeries("ferry_hist_rate").histograms.map(toHistogram);
    const decoded = all.flatMap((c) => decodeHistogramChunk(c.encoding, c.data));
    expect(decoded.map(viewHistogram)).toEqual(written.map(viewHistogram));
    // The counter reset at sample 160 starts a chunk flagged as one.
    const reset = all.find((c) => c.data[2] === 0x80)!;
    expect(decodeHistogramChunk(reset.encoding, reset.data)[0]!.timestampMs).toBe(written[160]!.timestampMs);
  });

  it("re-encoding what it decodes reproduces Prometheus's chunk bytes exactly", () => {
    for (const c of [...all, ...clip]) {
      const decoded = decodeHistogramChunk(c.encoding, c.data);
      expect(decoded.map((h) => h.resetHint)).toEqual(withHints(decoded, c.data[2]!).map((h) => h.resetHint));
      expect(Buffer.from(encodeHistogramChunk(decoded, c.data[2]!)).toString("hex")).toBe(
        Buffer.from(c.data).toString("hex"),
      );
    }
  });
});

describe("FloatHistogramChunkIterator", () => {
  it("round-trips random chunks bit for bit, every header", () => {
    fc.assert(
      fc.property(floatChunk, fc.constantFrom(0x00, 0x40, 0x80, 0xc0), (histograms, header) => {
        const chunk = encodeHistogramChunk(histograms, header);
        expect(decodeHistogramChunk(ChunkEncoding.FLOAT_HISTOGRAM, chunk)).toEqual(
          withHints(histograms, header),
        );
      }),
      { numRuns: 300 },
    );
  });

  it("returns a stale marker as its sum alone", () => {
    const stale = staleHistogram("float", 5);
    const [h] = decodeHistogramChunk(ChunkEncoding.FLOAT_HISTOGRAM, encodeHistogramChunk([stale]));
    expect(h).toEqual(stale);
    const it = new FloatHistogramChunkIterator().reset(encodeHistogramChunk([stale]));
    expect(it.next()).toBe(true);
    expect(it.isStale).toBe(true);
  });

  it("throws only typed errors on mutated real chunks", () => {
    const chunks = all.map((c) => c.data);
    expect(() => new FloatHistogramChunkIterator().reset(Uint8Array.of(0, 1))).toThrow(MalformedError);
    fc.assert(
      fc.property(
        fc.nat(chunks.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        fc.nat(),
        (which, edits, cut) => {
          const data = Uint8Array.from(chunks[which]!);
          for (const [at, b] of edits) data[at % data.length] = b;
          const it = new FloatHistogramChunkIterator();
          try {
            it.reset(data, 0, Math.max(3, cut % (data.length + 1)));
            while (it.next()) expect(Number.isSafeInteger(it.t)).toBe(true);
          } catch (err) {
            expect(err).toBeInstanceOf(PrompbError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
