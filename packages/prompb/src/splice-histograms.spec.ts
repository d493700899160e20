import fc from "fast-check";
import type { Histogram } from "./histogram";
import { captureBody, checkBatches } from "./private/testing/fixtures";
import { floatChunk, integerChunk } from "./private/testing/histogram-chunks";
import {
  histogramCapture,
  joinMixed,
  viewHistogram,
  writtenSeries,
} from "./private/testing/histogram-fixtures";
import { uvarintSize, writeUvarint } from "./private/varint";
import { uncompressBlock } from "./snappy";
import { ReadResponseSplicer, spliceReadResponse } from "./splice";
import { decodeWriteRequest, encodeWriteRequest, type WriteSeries } from "./write-request";

/** A ReadResponse with one QueryResult holding `series` (a QueryResult is a WriteRequest's body). */
function readResponse(series: WriteSeries[]): Uint8Array {
  const result = encodeWriteRequest(series);
  const out = new Uint8Array(1 + uvarintSize(result.length) + result.length);
  out[0] = 0x0a;
  out.set(result, writeUvarint(out, 1, result.length));
  return out;
}

const at = (h: Histogram, timestampMs: number): Histogram => ({ ...h, timestampMs });

describe("SAMPLES responses and native histograms", () => {
  it("shows Prometheus 2.42 sending histogram series without their data, and counts them", () => {
    const file = "histograms-samples.snappy";
    expect(histogramCapture(file).contentType).toBe("application/x-protobuf");
    const splicer = new ReadResponseSplicer();
    const batches = [...splicer.splice(uncompressBlock(captureBody(file), 1 << 20)), ...splicer.finish()];
    // Five histogram series come back as labels alone; the series that holds floats, then
    // histograms, then floats again stops at its first histogram.
    expect(splicer).toMatchObject({
      seriesRead: 6,
      seriesWithoutSamples: 5,
      samplesRead: 20,
      histogramsRead: 0,
    });
    const mixed = writtenSeries("ferry_mixed");
    expect(joinMixed(batches)).toEqual([
      { labels: mixed.labels, samples: mixed.samples.slice(0, 20), histograms: [] },
    ]);
  });

  it("copies TimeSeries holding histograms verbatim, as newer servers send them", () => {
    const histograms = fc.sample(integerChunk, { numRuns: 1, seed: 7 })[0]!;
    const floats = fc.sample(floatChunk, { numRuns: 1, seed: 8 })[0]!;
    const body = readResponse([
      { labels: [["__name__", "a"]], samples: [], histograms },
      { labels: [["__name__", "b"]], samples: [], histograms: floats },
    ]);
    const splicer = new ReadResponseSplicer();
    const [batch, ...rest] = [...splicer.splice(body), ...splicer.finish()];
    expect(rest).toEqual([]);
    expect(
      Buffer.from(batch!.body).equals(Buffer.from(body.subarray(body.length - batch!.body.length))),
    ).toBe(true);
    expect(batch!.histograms).toBe(histograms.length + floats.length);
    expect(splicer.histogramsRead).toBe(histograms.length + floats.length);
    expect(decodeWriteRequest(batch!.body).map((s) => s.histograms)).toEqual([histograms, floats]);
  });

  it("rewrites a TimeSeries holding floats and histograms as runs of one kind in time order", () => {
    const h = fc.sample(integerChunk, { numRuns: 1, seed: 3 })[0]![0]!;
    const sample = (t: number) => ({ timestampMs: t, value: t });
    // How Prometheus ≥ 2.44 lists a series that changed type: all floats, then all histograms.
    const body = readResponse([
      {
        labels: [["__name__", "m"]],
        samples: [1, 2, 3, 7, 8].map(sample),
        histograms: [4, 5, 6, 9].map((t) => at(h, t)),
      },
    ]);
    const parts = spliceReadResponse(body).flatMap((b) => decodeWriteRequest(b.body));
    expect(
      parts.map((p) => [p.samples.map((s) => s.timestampMs), p.histograms.map((x) => x.timestampMs)]),
    ).toEqual([
      [[1, 2, 3], []],
      [[], [4, 5, 6]],
      [[7, 8], []],
      [[], [9]],
    ]);
  });

  it("keeps limits and order for any mix of floats and histograms", () => {
    const series = fc
      .tuple(
        fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 30 }),
        fc.oneof(integerChunk, floatChunk),
        fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 30 }),
      )
      .map(([floatTimes, chunk, histogramTimes]) => ({
        floats: [...new Set(floatTimes)].sort((a, b) => a - b),
        histograms: [...new Set(histogramTimes)]
          .filter((t) => !floatTimes.includes(t))
          .sort((a, b) => a - b)
          .map((t, i) => at(chunk[i % chunk.length]!, t)),
      }));
    fc.assert(
      fc.property(
        fc.array(series, { minLength: 1, maxLength: 4 }),
        fc.record({
          maxSamples: fc.integer({ min: 1, max: 40 }),
          maxBytes: fc.integer({ min: 1, max: 4000 }),
        }),
        (input, limits) => {
          const written = input.map(
            (s, i): WriteSeries => ({
              labels: [["series", String(i)]],
              samples: s.floats.map((t) => ({ timestampMs: t, value: t / 7 })),
              histograms: s.histograms,
            }),
          );
          const splicer = new ReadResponseSplicer(limits);
          const batches = [...splicer.splice(readResponse(written)), ...splicer.finish()];
          checkBatches(batches, limits);
          const empty = input.filter((s) => s.floats.length + s.histograms.length === 0).length;
          expect(splicer.seriesWithoutSamples).toBe(empty);
          // Each series' samples in time order, whatever the parts.
          const order = (labels: [string, string][]) =>
            batches
              .flatMap((b) => decodeWriteRequest(b.body))
              .filter((p) => JSON.stringify(p.labels) === JSON.stringify(labels))
              .flatMap((p) => [
                ...p.samples.map((s) => s.timestampMs),
                ...p.histograms.map((x) => x.timestampMs),
              ]);
          for (const s of written) {
            const times = order(s.labels);
            expect(times).toEqual(
              [
                ...s.samples.map((x) => x.timestampMs),
                ...(s.histograms ?? []).map((x) => x.timestampMs),
              ].sort((a, b) => a - b),
            );
          }
          const views = joinMixed(batches);
          for (const s of written.filter((w) => w.samples.length + (w.histograms?.length ?? 0) > 0)) {
            const v = views.find((x) => JSON.stringify(x.labels) === JSON.stringify(s.labels))!;
            expect(v.histograms).toEqual((s.histograms ?? []).map(viewHistogram));
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
