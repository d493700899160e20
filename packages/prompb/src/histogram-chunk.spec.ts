import fc from "fast-check";
import { MalformedError, PrompbError, UnsupportedHistogramSchemaError } from "./errors";
import { type Histogram, ResetHint } from "./histogram";
import { HistogramChunkIterator } from "./histogram-chunk";
import { type ParsedChunk, parseStreamedBody } from "./private/testing/chunked-response";
import { captureBody } from "./private/testing/fixtures";
import {
  decodeHistogramChunk,
  encodeHistogramChunk,
  integerChunk,
  staleHistogram,
  withHints,
} from "./private/testing/histogram-chunks";
import {
  histogramFixtures,
  toHistogram,
  viewHistogram,
  writtenSeries,
} from "./private/testing/histogram-fixtures";
import { ChunkEncoding } from "./xor-chunk";

const STALE = 0x7ff0000000000002n;

const chunksOf = (file: string, encoding: number): ParsedChunk[] =>
  parseStreamedBody(captureBody(file)).filter((c) => c.encoding === encoding);
const all = chunksOf("histograms-streamed-all.bin", ChunkEncoding.HISTOGRAM);
const gauge = chunksOf("histograms-streamed-gauge.bin", ChunkEncoding.HISTOGRAM);
const clip = chunksOf("histograms-streamed-clip.bin", ChunkEncoding.HISTOGRAM);

function decodeSeries(chunks: ParsedChunk[], name: string): Histogram[] {
  return chunks
    .filter((c) => c.series.includes(`__name__=${name},`))
    .flatMap((c) => decodeHistogramChunk(c.encoding, c.data));
}

describe("HistogramChunkIterator on real Prometheus 2.42 chunks", () => {
  it.each(["ferry_hist_latency_seconds", "ferry_hist_sparse", "ferry_hist_fine", "ferry_mixed"])(
    "decodes %s to exactly the histograms written (NaN, ±Inf and stale sums included)",
    (name) => {
      const written = writtenSeries(name).histograms.map(toHistogram);
      expect(decodeSeries(all, name).map(viewHistogram)).toEqual(written.map(viewHistogram));
    },
  );

  it("decodes the gauge histograms of a block chunk", () => {
    const t0 = histogramFixtures().t0;
    const written = writtenSeries("ferry_hist_queue_depth")
      .histograms.filter((h) => h.t < t0 + 2 * 3600_000)
      .map(toHistogram);
    const decoded = decodeSeries(gauge, "ferry_hist_queue_depth");
    expect(decoded.map(viewHistogram)).toEqual(written.map(viewHistogram));
    expect(new Set(decoded.map((h) => h.resetHint))).toEqual(new Set([ResetHint.GAUGE]));
  });

  it("gives reset hints as Prometheus does from the chunk headers it wrote", () => {
    const headers = new Set([...all, ...gauge].map((c) => c.data[2]));
    // Unknown (first chunk, after a stale marker or a schema change, or re-encoded), not a
    // reset (cut at a block boundary), reset, gauge: 2.42 writes all four.
    expect(headers).toEqual(new Set([0x00, 0x40, 0x80, 0xc0]));
    for (const c of [...all, ...gauge]) {
      const decoded = decodeHistogramChunk(c.encoding, c.data);
      expect(decoded.map((h) => h.resetHint)).toEqual(withHints(decoded, c.data[2]!).map((h) => h.resetHint));
    }
    const reset = all.find((c) => c.data[2] === 0x80)!;
    expect(
      decodeHistogramChunk(reset.encoding, reset.data)
        .slice(0, 2)
        .map((h) => h.resetHint),
    ).toEqual([ResetHint.YES, ResetHint.NO]);
  });

  it("returns stale markers as Prometheus does: the sum and nothing else", () => {
    const decoded = decodeSeries(all, "ferry_hist_latency_seconds");
    const stale = decoded.filter((h) => h.sumBits === STALE);
    expect(stale.map((h) => h.timestampMs)).toEqual(
      writtenSeries("ferry_hist_latency_seconds")
        .histograms.filter((h) => h.sum === "7ff0000000000002")
        .map((h) => h.t),
    );
    for (const h of stale) expect(h).toEqual(staleHistogram("integer", h.timestampMs));
  });

  it("re-encoding what it decodes reproduces Prometheus's chunk bytes exactly", () => {
    for (const c of [...all, ...gauge, ...clip]) {
      const decoded = decodeHistogramChunk(c.encoding, c.data);
      expect(decoded).toHaveLength((c.data[0]! << 8) | c.data[1]!);
      expect(Buffer.from(encodeHistogramChunk(decoded, c.data[2]!)).toString("hex")).toBe(
        Buffer.from(c.data).toString("hex"),
      );
    }
  });
});

describe("HistogramChunkIterator", () => {
  it("round-trips random chunks exactly, every header", () => {
    fc.assert(
      fc.property(integerChunk, fc.constantFrom(0x00, 0x40, 0x80, 0xc0), (histograms, header) => {
        const chunk = encodeHistogramChunk(histograms, header);
        expect(decodeHistogramChunk(ChunkEncoding.HISTOGRAM, chunk)).toEqual(withHints(histograms, header));
      }),
      { numRuns: 300 },
    );
  });

  it("reuses its buffers across chunks of different sizes", () => {
    const it = new HistogramChunkIterator();
    fc.assert(
      fc.property(integerChunk, (histograms) => {
        it.reset(encodeHistogramChunk(histograms));
        let n = 0;
        while (it.next()) expect(it.t).toBe(histograms[n++]!.timestampMs);
        expect(n).toBe(histograms.length);
        expect(it.next()).toBe(false);
      }),
      { numRuns: 50 },
    );
  });

  it("refuses schemas Prometheus 2.42 does not have", () => {
    for (const schema of [9, -5, -53]) {
      const h = { ...staleHistogram("integer", 1), sumBits: 0n, schema };
      const chunk = encodeHistogramChunk([h]);
      const err = catchError(() => new HistogramChunkIterator().reset(chunk).next());
      expect(err).toBeInstanceOf(UnsupportedHistogramSchemaError);
      expect(err).toMatchObject({ code: "unsupported_histogram_schema", schema });
    }
  });

  it("refuses layouts the chunk cannot hold and values beyond ±2^53", () => {
    expect(() => new HistogramChunkIterator().reset(Uint8Array.of(0, 1))).toThrow(MalformedError);
    // 3 000 spans announced in a few bytes.
    const spans = encodeHistogramChunk([
      {
        ...staleHistogram("integer", 1),
        sumBits: 0n,
        positiveSpans: Array.from({ length: 3000 }, () => ({ offset: 0, length: 1 })),
      },
    ]).subarray(0, 40);
    expect(() => new HistogramChunkIterator().reset(spans).next()).toThrow(MalformedError);
    const big = { ...staleHistogram("integer", 1), sumBits: 0n, count: 2 ** 52 };
    const chunk = encodeHistogramChunk([big, { ...big, timestampMs: 2, count: 2 ** 53 + 2 }]);
    const it = new HistogramChunkIterator().reset(chunk);
    expect(it.next()).toBe(true);
    expect(it.count).toBe(2 ** 52);
    expect(() => it.next()).toThrow(MalformedError);
  });

  it("throws only typed errors on mutated real chunks", () => {
    const chunks = [...all, ...gauge].map((c) => c.data);
    fc.assert(
      fc.property(
        fc.nat(chunks.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        fc.nat(),
        (which, edits, cut) => {
          const data = Uint8Array.from(chunks[which]!);
          for (const [at, b] of edits) data[at % data.length] = b;
          const it = new HistogramChunkIterator();
          try {
            it.reset(data, 0, Math.max(3, cut % (data.length + 1)));
            while (it.next()) {
              expect(Number.isSafeInteger(it.t)).toBe(true);
            }
          } catch (err) {
            expect(err).toBeInstanceOf(PrompbError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (err) {
    return err;
  }
  throw new Error("did not throw");
}
