import fc from "fast-check";
import { ChunkedReadDecoder } from "./chunked-decoder";
import { PrompbError, StreamAbortedError, UnsupportedChunkEncodingError } from "./errors";
import { encodeFrame, FrameReader } from "./frames";
import type { Histogram } from "./histogram";
import { encodeChunkedReadResponse, type TestChunk } from "./private/testing/chunked-response";
import { captureBody, checkBatches } from "./private/testing/fixtures";
import { encodeHistogramChunk, floatChunk, integerChunk } from "./private/testing/histogram-chunks";
import {
  byLabels,
  expectedMixed,
  histogramCapture,
  histogramFixtures,
  joinMixed,
  viewHistogram,
} from "./private/testing/histogram-fixtures";
import type { BatchLimits, WriteBatch } from "./write-batch";
import { decodeWriteRequest } from "./write-request";
import { ChunkEncoding } from "./xor-chunk";

interface Run {
  minMs: number;
  maxMs: number;
  limits?: BatchLimits;
}

function decode(body: Uint8Array, run: Run): { batches: WriteBatch[]; decoder: ChunkedReadDecoder } {
  const decoder = new ChunkedReadDecoder(run);
  const batches = [...decoder.write(body), ...decoder.end()];
  return { batches, decoder };
}

const allBody = captureBody("histograms-streamed-all.bin");
const wide = histogramCapture("histograms-streamed-all.bin").queries[0]!;
const clip = histogramCapture("histograms-streamed-clip.bin").queries[0]!;
const notGauge = () => histogramFixtures().series.filter((s) => !s.labels.some(([, v]) => v === "gauge"));
const expected = (minMs: number, maxMs: number) => byLabels(expectedMixed(notGauge(), minMs, maxMs));

describe("ChunkedReadDecoder on native histograms from Prometheus 2.42", () => {
  it("carries every histogram (integer and float) and float sample written, exactly", () => {
    const { batches, decoder } = decode(allBody, { minMs: wide.startMs, maxMs: wide.endMs });
    expect(byLabels(joinMixed(batches))).toEqual(expected(wide.startMs, wide.endMs));
    const written = notGauge().reduce((n, s) => n + s.histograms.length, 0);
    expect(decoder.histogramsRead).toBe(written);
    expect(batches.reduce((n, b) => n + b.histograms, 0)).toBe(written);
    expect(decoder.samplesRead).toBe(40);
  });

  it("clips histogram chunks to the window like float chunks", () => {
    const window = { minMs: clip.startMs, maxMs: clip.endMs };
    expect(byLabels(joinMixed(decode(allBody, window).batches))).toEqual(
      expected(window.minMs, window.maxMs),
    );
    // And the response where 2.42 trimmed (re-encoded) the chunks itself.
    const trimmed = decode(captureBody("histograms-streamed-clip.bin"), window).batches;
    expect(byLabels(joinMixed(trimmed))).toEqual(expected(window.minMs, window.maxMs));
  });

  it("any window yields exactly the samples inside it, adjacent windows neither gap nor overlap", () => {
    fc.assert(
      fc.property(fc.integer({ min: wide.startMs, max: wide.endMs }), fc.nat(3 * 3600_000), (minMs, span) => {
        const left = decode(allBody, { minMs, maxMs: minMs + span });
        const end = minMs + span + 3 * 3600_000;
        const right = decode(allBody, { minMs: minMs + span + 1, maxMs: end });
        expect(byLabels(joinMixed(left.batches))).toEqual(expected(minMs, minMs + span));
        expect(byLabels(joinMixed([...left.batches, ...right.batches]))).toEqual(expected(minMs, end));
      }),
      { numRuns: 30 },
    );
  });

  it.each([
    { maxSamples: 1, maxBytes: 1 << 20 },
    { maxSamples: 97, maxBytes: 1 << 20 },
    { maxSamples: 10_000, maxBytes: 3000 },
    { maxSamples: 10_000, maxBytes: 100 },
  ])("splits at the limits %o, histograms counted as samples, nothing lost or reordered", (limits) => {
    const { batches } = decode(allBody, { minMs: wide.startMs, maxMs: wide.endMs, limits });
    checkBatches(batches, limits);
    expect(byLabels(joinMixed(batches))).toEqual(expected(wide.startMs, wide.endMs));
  });

  it("writes a series that holds floats and histograms as one TimeSeries per run, in time order", () => {
    const { batches } = decode(allBody, { minMs: wide.startMs, maxMs: wide.endMs });
    expect(batches).toHaveLength(1);
    const parts = decodeWriteRequest(batches[0]!.body).filter((s) => s.labels.some(([, v]) => v === "mixed"));
    expect(parts.map((p) => [p.samples.length, p.histograms.length])).toEqual([
      [20, 0],
      [0, 20],
      [20, 0],
    ]);
    expect(batches[0]!.continuesSeries).toBe(false);
  });

  it("reads gauge histograms with their hint from a block chunk", () => {
    const q = histogramCapture("histograms-streamed-gauge.bin").queries[0]!;
    const { batches } = decode(captureBody("histograms-streamed-gauge.bin"), {
      minMs: q.startMs,
      maxMs: q.endMs,
    });
    const gauge = histogramFixtures().series.filter((s) => s.labels.some(([, v]) => v === "gauge"));
    expect(joinMixed(batches)).toEqual(expectedMixed(gauge, q.startMs, q.endMs));
    const hints = decodeWriteRequest(batches[0]!.body)[0]!.histograms.map((h) => h.resetHint);
    expect(new Set(hints)).toEqual(new Set([3]));
  });

  it("reports the error Prometheus 2.42 writes into the stream when it fails on a gauge histogram", () => {
    // 2.42 re-encodes the open head chunk with the counter appender, which calls the gauge's
    // decrease a counter reset; the status is already 200, so the message ends the body.
    const file = "histograms-streamed-gauge-error.bin";
    expect(histogramCapture(file).status).toBe(200);
    const q = histogramCapture(file).queries[0]!;
    const decoder = new ChunkedReadDecoder({ minMs: q.startMs, maxMs: q.endMs });
    decoder.write(captureBody(file));
    const err = (() => {
      try {
        decoder.end();
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(StreamAbortedError);
    expect(err).toMatchObject({
      code: "stream_aborted",
      serverMessage: "iterate chunk while re-encoding: detected unexpected counter reset in histogram",
    });
  });

  it("still refuses unknown chunk encodings", () => {
    for (const encoding of [ChunkEncoding.UNKNOWN, 4]) {
      const chunk: TestChunk = { minTimeMs: 0, maxTimeMs: 1, encoding, data: Uint8Array.of(0, 0, 0) };
      const body = encodeFrame(encodeChunkedReadResponse([["__name__", "h"]], [chunk], 0));
      expect(() => decode(body, { minMs: 0, maxMs: 1 })).toThrow(UnsupportedChunkEncodingError);
    }
  });

  it("round-trips random histogram chunks through frames, windows and batches", () => {
    const series = fc
      .array(fc.oneof(integerChunk, floatChunk), { minLength: 1, maxLength: 4 })
      .map((chunks) => {
        // Consecutive chunks of one series, each later than the last.
        let offset = 0;
        return chunks.map((c) => {
          const shift = offset - c[0]!.timestampMs;
          const moved = c.map((h): Histogram => ({ ...h, timestampMs: h.timestampMs + shift }));
          offset = moved[moved.length - 1]!.timestampMs + 1;
          return moved;
        });
      });
    fc.assert(
      fc.property(
        fc.array(series, { minLength: 1, maxLength: 3 }),
        fc.record({
          maxSamples: fc.integer({ min: 1, max: 50 }),
          maxBytes: fc.integer({ min: 1, max: 3000 }),
        }),
        fc.tuple(fc.integer({ min: -(2 ** 30), max: 2 ** 36 }), fc.nat(2 ** 38)),
        (input, limits, [minMs, span]) => {
          const frames = input.map((chunks, i) =>
            encodeFrame(
              encodeChunkedReadResponse(
                [["series", String(i)]],
                chunks.map((c) => ({
                  minTimeMs: c[0]!.timestampMs,
                  maxTimeMs: c[c.length - 1]!.timestampMs,
                  encoding:
                    c[0]!.kind === "integer" ? ChunkEncoding.HISTOGRAM : ChunkEncoding.FLOAT_HISTOGRAM,
                  data: encodeHistogramChunk(c),
                })),
                0,
              ),
            ),
          );
          const { batches } = decode(Buffer.concat(frames), { minMs, maxMs: minMs + span, limits });
          checkBatches(batches, limits);
          const want = input
            .map((chunks, i) => ({
              labels: [["series", String(i)]] as [string, string][],
              samples: [] as [number, string][],
              histograms: chunks
                .flat()
                .filter((h) => h.timestampMs >= minMs && h.timestampMs <= minMs + span)
                .map(viewHistogram),
            }))
            .filter((s) => s.histograms.length > 0);
          expect(joinMixed(batches)).toEqual(want);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("throws only typed errors on mutated histogram frames (re-framed so the CRC passes)", () => {
    const frames: Uint8Array[] = [];
    new FrameReader((b, s, e) => frames.push(Uint8Array.from(b.subarray(s, e)))).write(allBody);
    fc.assert(
      fc.property(
        fc.nat(frames.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        (which, edits) => {
          const data = Uint8Array.from(frames[which]!);
          for (const [at, b] of edits) data[at % data.length] = b;
          try {
            decode(encodeFrame(data), {
              minMs: wide.startMs,
              maxMs: wide.endMs,
              limits: { maxSamples: 20, maxBytes: 900 },
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
