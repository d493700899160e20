import fc from "fast-check";
import { ChunkedReadDecoder } from "./chunked-decoder";
import { PrompbError, TruncatedError, UnsupportedChunkEncodingError } from "./errors";
import { encodeFrame, FrameReader } from "./frames";
import {
  encodeChunkedReadResponse,
  parseStreamedBody,
  streamedBody,
  type TestSeries,
  xorChunks,
} from "./private/testing/chunked-response";
import {
  capture,
  captureBody,
  checkBatches,
  expectedSeries,
  fixtures,
  hexBits,
  joinBatches,
  type SeriesView,
} from "./private/testing/fixtures";
import type { BatchLimits, WriteBatch } from "./write-batch";
import { ChunkEncoding } from "./xor-chunk";

interface Run {
  minMs: number;
  maxMs: number;
  limits?: BatchLimits;
  cuts?: number[];
}

function decodeBody(body: Uint8Array, run: Run): { batches: WriteBatch[]; decoder: ChunkedReadDecoder } {
  const decoder = new ChunkedReadDecoder({ minMs: run.minMs, maxMs: run.maxMs, limits: run.limits });
  const batches: WriteBatch[] = [];
  let at = 0;
  for (const cut of [...(run.cuts ?? [])].sort((a, b) => a - b)) {
    if (cut <= at) continue;
    batches.push(...decoder.write(body.subarray(at, cut)));
    at = cut;
  }
  batches.push(...decoder.write(body.subarray(at)), ...decoder.end());
  return { batches, decoder };
}

const nonEmpty = (series: SeriesView[]) => series.filter((s) => s.samples.length > 0);

const allBody = captureBody("streamed-all.bin");
const wide = capture("streamed-all.bin").queries[0]!;
const clipQuery = capture("streamed-clip.bin").queries[0]!;

describe("ChunkedReadDecoder on real Prometheus 2.42 responses", () => {
  it("yields every sample of streamed-all bit for bit, -0 and NaN payloads included", () => {
    expect(capture("streamed-all.bin").contentType).toBe(
      "application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse",
    );
    const { batches } = decodeBody(allBody, { minMs: wide.startMs, maxMs: wide.endMs });
    expect(batches).toHaveLength(1);
    expect(joinBatches(batches)).toEqual(expectedSeries("streamed-all.bin"));
  });

  it("clips whole chunks to a window that cuts through them", () => {
    const window = { minMs: clipQuery.startMs, maxMs: clipQuery.endMs };
    const chunks = parseStreamedBody(allBody);
    expect(chunks.some((c) => c.minTimeMs < window.minMs && c.maxTimeMs >= window.minMs)).toBe(true);
    expect(chunks.some((c) => c.maxTimeMs > window.maxMs && c.minTimeMs <= window.maxMs)).toBe(true);
    const { batches } = decodeBody(allBody, window);
    expect(joinBatches(batches)).toEqual(nonEmpty(expectedSeries("streamed-all.bin", window)));
  });

  it("decodes the chunks Prometheus trims to the query range itself", () => {
    // Prometheus 2.42 re-encodes the chunks crossing the query's edges (its chunk querier trims
    // them like deletions), so this response holds no sample outside the range; other servers
    // send whole chunks, which the test above covers.
    const body = captureBody("streamed-clip.bin");
    for (const c of parseStreamedBody(body)) {
      expect(c.minTimeMs).toBeGreaterThanOrEqual(clipQuery.startMs);
      expect(c.maxTimeMs).toBeLessThanOrEqual(clipQuery.endMs);
    }
    const { batches } = decodeBody(body, { minMs: clipQuery.startMs, maxMs: clipQuery.endMs });
    expect(joinBatches(batches)).toEqual(nonEmpty(expectedSeries("streamed-clip.bin")));
  });

  it("leaves no gap and no duplicate between adjacent windows", () => {
    const split = clipQuery.startMs + 600_001;
    const left = decodeBody(allBody, { minMs: wide.startMs, maxMs: split - 1 });
    const right = decodeBody(allBody, { minMs: split, maxMs: wide.endMs });
    const joined = joinBatches([...left.batches, ...right.batches]);
    const byLabels = new Map<string, [number, string][]>();
    for (const s of joined) {
      const k = JSON.stringify(s.labels);
      byLabels.set(k, [...(byLabels.get(k) ?? []), ...s.samples]);
    }
    expect(expectedSeries("streamed-all.bin").map((s) => byLabels.get(JSON.stringify(s.labels)))).toEqual(
      expectedSeries("streamed-all.bin").map((s) => s.samples),
    );
  });

  it("decodes a multi-query response (query_index 0 and 1)", () => {
    const body = captureBody("streamed-multi.bin");
    expect(new Set(parseStreamedBody(body).map((c) => c.queryIndex))).toEqual(new Set([0, 1]));
    const window = { minMs: clipQuery.startMs, maxMs: clipQuery.endMs };
    const { batches } = decodeBody(body, window);
    expect(joinBatches(batches)).toEqual(nonEmpty(expectedSeries("streamed-multi.bin", window)));
  });

  it("yields the same batches whatever the piece sizes, and counts what it read", () => {
    const run = {
      minMs: clipQuery.startMs,
      maxMs: wide.endMs,
      limits: { maxSamples: 500, maxBytes: 20_000 },
    };
    const whole = decodeBody(allBody, run);
    const bodies = Buffer.concat(whole.batches.map((b) => b.body));
    const oneByte = decodeBody(allBody, {
      ...run,
      cuts: Array.from({ length: allBody.length }, (_, i) => i),
    });
    expect(Buffer.concat(oneByte.batches.map((b) => b.body)).equals(bodies)).toBe(true);
    fc.assert(
      fc.property(fc.array(fc.nat(allBody.length), { maxLength: 30 }), (cuts) => {
        const { batches } = decodeBody(allBody, { ...run, cuts });
        expect(batches.map((b) => b.continuesSeries)).toEqual(whole.batches.map((b) => b.continuesSeries));
        expect(Buffer.concat(batches.map((b) => b.body)).equals(bodies)).toBe(true);
      }),
      { numRuns: 50 },
    );
    const d = whole.decoder;
    expect(d.bytesRead).toBe(allBody.length);
    const frames: number[] = [];
    const reader = new FrameReader((_b, s, e) => frames.push(e - s));
    reader.write(allBody);
    expect(d.framesRead).toBe(frames.length);
    expect(d.chunksRead).toBe(parseStreamedBody(allBody).length);
    expect(d.samplesRead).toBe(whole.batches.reduce((n, b) => n + b.samples, 0));
  });

  it.each([
    { maxSamples: 1, maxBytes: 1 << 20 },
    { maxSamples: 120, maxBytes: 1 << 20 },
    { maxSamples: 10_000, maxBytes: 2500 },
    { maxSamples: 333, maxBytes: 4000 },
    { maxSamples: 10_000, maxBytes: 1 },
  ])("splits series at the limits %o without losing or reordering samples", (limits) => {
    const { batches } = decodeBody(allBody, { minMs: wide.startMs, maxMs: wide.endMs, limits });
    checkBatches(batches, limits);
    expect(joinBatches(batches)).toEqual(expectedSeries("streamed-all.bin"));
  });

  it("any window over the real data yields exactly the samples inside it", () => {
    const first = Math.min(...fixtures().series.map((s) => s.samples[0]![0]));
    const last = Math.max(...fixtures().series.map((s) => s.samples[s.samples.length - 1]![0]));
    fc.assert(
      fc.property(
        fc.integer({ min: first - 60_000, max: last + 60_000 }),
        fc.nat(4 * 3600_000),
        (minMs, span) => {
          const window = { minMs, maxMs: minMs + span };
          const { batches } = decodeBody(allBody, window);
          expect(joinBatches(batches)).toEqual(nonEmpty(expectedSeries("streamed-all.bin", window)));
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe("ChunkedReadDecoder", () => {
  const series = (name: string, n: number, start = 1_700_000_000_000): TestSeries => ({
    labels: [
      ["__name__", name],
      ["job", "x"],
    ],
    samples: Array.from({ length: n }, (_, i): [number, bigint] => [start + i * 15_000, BigInt(i) * 0x1000n]),
  });
  const everything = { minMs: -(2 ** 53) + 1, maxMs: 2 ** 53 - 1 };

  it("joins a series Prometheus split over several frames into one TimeSeries", () => {
    const body = streamedBody([series("a", 700), series("b", 300)], 1);
    expect(parseStreamedBody(body).length).toBe(9);
    const { batches, decoder } = decodeBody(body, everything);
    expect(decoder.framesRead).toBe(9);
    expect(batches).toHaveLength(1);
    expect(batches[0]!.series).toBe(2);
    expect(batches[0]!.samples).toBe(1000);
  });

  it("keeps every label of a series whose labels do not all come before its chunks", () => {
    const { labels, samples } = series("a", 30);
    const all: [string, string][] = [...labels, ["zone", "z1"]];
    const chunks = xorChunks(samples);
    const decoded = (after: number) =>
      joinBatches(
        decodeBody(encodeFrame(encodeChunkedReadResponse(all, chunks, 0, after)), everything).batches,
      );
    expect(decoded(0)[0]!.labels).toEqual(all);
    expect(decoded(1)).toEqual(decoded(0));
    expect(decoded(2)).toEqual(decoded(0));
  });

  it("starts a new batch rather than split a series that fits in one", () => {
    // 100-sample batches: a fill-to-the-brim cut would split b (60 after a's 60) and c.
    const body = streamedBody([series("a", 60), series("b", 60), series("c", 30), series("d", 30)], 1);
    const { batches } = decodeBody(body, { ...everything, limits: { maxSamples: 100, maxBytes: 1 << 20 } });
    expect(batches.map((b) => [b.samples, b.series, b.continuesSeries])).toEqual([
      [60, 1, false],
      [90, 2, false],
      [30, 1, false],
    ]);
    expect(joinBatches(batches).map((s) => s.samples.length)).toEqual([60, 60, 30, 30]);
  });

  it("still splits a series larger than a batch, flagging the later parts", () => {
    const body = streamedBody([series("a", 30), series("big", 250)], 1);
    const { batches } = decodeBody(body, { ...everything, limits: { maxSamples: 100, maxBytes: 1 << 20 } });
    // big does not fit in any batch: it fills the first one up and continues in the next ones.
    expect(batches.map((b) => [b.samples, b.continuesSeries])).toEqual([
      [100, false],
      [100, true],
      [80, true],
    ]);
  });

  it("counts only the chunks inside the window when deciding whether a series fits", () => {
    // b has 240 samples in 2 chunks, but the window keeps only its first chunk (120).
    const b = series("b", 240);
    const window = { minMs: 0, maxMs: b.samples[119]![0] };
    const body = streamedBody([series("a", 60), b], 1);
    // All 240 would never fit in a 150-sample batch (so cutting early would gain nothing); 120 do.
    const { batches } = decodeBody(body, { ...window, limits: { maxSamples: 150, maxBytes: 1 << 20 } });
    expect(batches.map((x) => [x.samples, x.continuesSeries])).toEqual([
      [60, false],
      [120, false],
    ]);
  });

  it("writes each sample as value (fixed64, raw bits) then timestamp (varint)", () => {
    const stale = 0x7ff0000000000002n;
    const body = streamedBody([{ labels: [["a", "b"]], samples: [[1_000, stale]] }]);
    const [batch] = decodeBody(body, everything).batches;
    // TimeSeries { Label { "a", "b" }, Sample { value: stale marker, timestamp: 1000 } }
    expect(Buffer.from(batch!.body).toString("hex")).toBe(
      ["0a16", "0a06", "0a0161", "120162", "120c", "09", "020000000000f07f", "10", "e807"].join(""),
    );
  });

  it("leaves out series with no sample in the window", () => {
    const body = streamedBody([series("early", 10, 0), series("late", 10, 10_000_000)]);
    const { batches } = decodeBody(body, { minMs: 5_000_000, maxMs: 20_000_000 });
    expect(joinBatches(batches).map((s) => s.labels[0]![1])).toEqual(["late"]);
    expect(decodeBody(body, { minMs: 1_000_000, maxMs: 2_000_000 }).batches).toEqual([]);
  });

  it("handles negative timestamps", () => {
    const body = streamedBody([series("neg", 50, -400_000)]);
    const { batches } = decodeBody(body, { minMs: -100_000, maxMs: 100_000 });
    expect(joinBatches(batches)[0]!.samples.map(([t]) => t)).toEqual(
      Array.from({ length: 50 }, (_, i) => -400_000 + i * 15_000).filter(
        (t) => t >= -100_000 && t <= 100_000,
      ),
    );
  });

  it.each([ChunkEncoding.UNKNOWN, 4])(
    "refuses chunk encoding %d with UnsupportedChunkEncodingError",
    (encoding) => {
      const chunk = { ...xorChunks(series("h", 5).samples)[0]!, encoding };
      const body = encodeFrame(encodeChunkedReadResponse([["__name__", "h"]], [chunk], 0));
      const decoder = new ChunkedReadDecoder(everything);
      expect(() => decoder.write(body)).toThrow(UnsupportedChunkEncodingError);
      try {
        new ChunkedReadDecoder(everything).write(body);
      } catch (err) {
        expect((err as UnsupportedChunkEncodingError).code).toBe("unsupported_chunk_encoding");
        expect((err as UnsupportedChunkEncodingError).encoding).toBe(encoding);
      }
    },
  );

  it("reports a body that stops inside a frame", () => {
    const decoder = new ChunkedReadDecoder(everything);
    decoder.write(allBody.subarray(0, 1000));
    expect(() => decoder.end()).toThrow(TruncatedError);
  });

  it("validates its options", () => {
    expect(() => new ChunkedReadDecoder({ minMs: 2, maxMs: 1 })).toThrow(RangeError);
    expect(
      () => new ChunkedReadDecoder({ minMs: 0, maxMs: 1, limits: { maxSamples: 0, maxBytes: 10 } }),
    ).toThrow(RangeError);
  });

  it("round-trips random series bit for bit through chunks, frames, pieces and batches", () => {
    const bits = fc.oneof(
      fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      fc.constantFrom(0x7ff0000000000002n, 0x7ff8000000000001n, 0xfff8000000000000n, 0x8000000000000000n),
    );
    const oneSeries = fc
      .tuple(
        fc.integer({ min: -(2 ** 40), max: 2 ** 42 }),
        fc.array(fc.tuple(fc.oneof(fc.constant(15_000), fc.integer({ min: 1, max: 10_000_000 })), bits), {
          minLength: 1,
          maxLength: 400,
        }),
      )
      .map(([start, steps]) => {
        let t = start;
        return steps.map(([d, v]): [number, bigint] => {
          t += d;
          return [t, v];
        });
      });
    fc.assert(
      fc.property(
        fc.array(oneSeries, { minLength: 1, maxLength: 5 }),
        fc.record({
          maxSamples: fc.integer({ min: 1, max: 300 }),
          maxBytes: fc.integer({ min: 1, max: 8000 }),
        }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 120 }),
        fc.array(fc.nat(20_000), { maxLength: 10 }),
        fc.tuple(fc.integer({ min: -(2 ** 40), max: 2 ** 43 }), fc.nat(2 ** 43)),
        (samples, limits, chunksPerFrame, perChunk, cuts, [minMs, span]) => {
          const input = samples.map((s, i): TestSeries => ({ labels: [["series", String(i)]], samples: s }));
          const window = { minMs, maxMs: minMs + span };
          const body = streamedBody(input, chunksPerFrame, perChunk);
          const { batches } = decodeBody(body, { ...window, limits, cuts });
          checkBatches(batches, limits);
          const expected = input
            .map((s) => ({
              labels: s.labels,
              samples: s.samples
                .filter(([t]) => t >= window.minMs && t <= window.maxMs)
                .map(([t, v]): [number, string] => [t, hexBits(v)]),
            }))
            .filter((s) => s.samples.length > 0);
          expect(joinBatches(batches)).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("throws only typed errors on mutated frames (re-framed so the CRC passes)", () => {
    const frames: Uint8Array[] = [];
    const reader = new FrameReader((b, s, e) => frames.push(Uint8Array.from(b.subarray(s, e))));
    reader.write(allBody);
    fc.assert(
      fc.property(
        fc.nat(frames.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        fc.option(fc.nat(), { nil: undefined }),
        (which, edits, cut) => {
          const data = Uint8Array.from(frames[which]!);
          for (const [at, b] of edits) data[at % data.length] = b;
          const body = encodeFrame(cut === undefined ? data : data.subarray(0, cut % data.length));
          try {
            decodeBody(body, {
              minMs: wide.startMs,
              maxMs: wide.endMs,
              limits: { maxSamples: 50, maxBytes: 2000 },
            });
          } catch (err) {
            expect(err).toBeInstanceOf(PrompbError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
