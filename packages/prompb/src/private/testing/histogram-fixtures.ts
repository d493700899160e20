// Test support: the native histogram responses captured from Prometheus 2.42 by
// testdata/capture-histograms.mjs, the samples written to it, and a normalized view to compare
// histograms by what they mean (absolute counts of the non-empty buckets by index) rather than by
// layout: Prometheus inserts empty buckets when a chunk's layout grows.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import type { BucketSpan, Histogram, ResetHint } from "../../histogram";
import type { WriteBatch } from "../../write-batch";
import { decodeWriteRequest } from "../../write-request";

const TESTDATA = join(__dirname, "..", "..", "..", "testdata");

/** A histogram as written by the capture script (bits as hex, spans as [offset, length]). */
interface WrittenHistogram {
  t: number;
  float: boolean;
  /** Integer histograms: numbers; float histograms: IEEE-754 bits as hex. */
  count: number | string;
  zeroCount: number | string;
  sum: string;
  schema: number;
  zeroThreshold: string;
  positiveSpans: [number, number][];
  negativeSpans: [number, number][];
  positiveDeltas?: number[];
  negativeDeltas?: number[];
  positiveCounts?: string[];
  negativeCounts?: string[];
  hint: number;
}

export interface WrittenSeries {
  labels: [string, string][];
  /** Float samples: [timestamp, value bits as hex]. */
  samples: [number, string][];
  histograms: WrittenHistogram[];
}

export interface HistogramCapture {
  file: string;
  status: number;
  contentType: string;
  accepted: number[];
  queries: { startMs: number; endMs: number; matchers: { type: string; name: string; value: string }[] }[];
}

interface HistogramFixtures {
  t0: number;
  series: WrittenSeries[];
  captures: HistogramCapture[];
}

let cached: HistogramFixtures | undefined;

export function histogramFixtures(): HistogramFixtures {
  cached ??= JSON.parse(
    gunzipSync(readFileSync(join(TESTDATA, "histograms-expected.json.gz"))).toString("utf8"),
  ) as HistogramFixtures;
  return cached;
}

export function histogramCapture(file: string): HistogramCapture {
  const c = histogramFixtures().captures.find((x) => x.file === file);
  if (!c) throw new Error(`no capture ${file}`);
  return c;
}

export function writtenSeries(name: string): WrittenSeries {
  const s = histogramFixtures().series.find((x) => x.labels.some(([k, v]) => k === "__name__" && v === name));
  if (!s) throw new Error(`no series ${name}`);
  return s;
}

const bits = (hex: string): bigint => BigInt(`0x${hex}`);
const spans = (list: [number, number][]): BucketSpan[] =>
  list.map(([offset, length]) => ({ offset, length }));

/** A written histogram as the codec's `Histogram`. */
export function toHistogram(h: WrittenHistogram): Histogram {
  const common = {
    timestampMs: h.t,
    sumBits: bits(h.sum),
    schema: h.schema,
    zeroThresholdBits: bits(h.zeroThreshold),
    positiveSpans: spans(h.positiveSpans),
    negativeSpans: spans(h.negativeSpans),
    resetHint: h.hint as ResetHint,
  };
  if (h.float) {
    return {
      kind: "float",
      ...common,
      countBits: bits(h.count as string),
      zeroCountBits: bits(h.zeroCount as string),
      positiveCounts: (h.positiveCounts ?? []).map(bits),
      negativeCounts: (h.negativeCounts ?? []).map(bits),
    };
  }
  return {
    kind: "integer",
    ...common,
    count: h.count as number,
    zeroCount: h.zeroCount as number,
    positiveDeltas: h.positiveDeltas ?? [],
    negativeDeltas: h.negativeDeltas ?? [],
  };
}

/** What a histogram means: counts as decimal (integer) or hex bits (float), non-empty buckets by index. */
export interface HistogramView {
  t: number;
  kind: "integer" | "float";
  count: string;
  zeroCount: string;
  sum: string;
  schema: number;
  zeroThreshold: string;
  positive: [number, string][];
  negative: [number, string][];
}

export const hex = (b: bigint): string => BigInt.asUintN(64, b).toString(16).padStart(16, "0");

export function viewHistogram(h: Histogram): HistogramView {
  const float = h.kind === "float";
  return {
    t: h.timestampMs,
    kind: h.kind,
    count: float ? hex(h.countBits) : String(h.count),
    zeroCount: float ? hex(h.zeroCountBits) : String(h.zeroCount),
    sum: hex(h.sumBits),
    schema: h.schema,
    zeroThreshold: hex(h.zeroThresholdBits),
    positive: float
      ? absolute(h.positiveSpans, h.positiveCounts)
      : absolute(h.positiveSpans, h.positiveDeltas),
    negative: float
      ? absolute(h.negativeSpans, h.negativeCounts)
      : absolute(h.negativeSpans, h.negativeDeltas),
  };
}

/** Non-empty buckets as [index, count]: integer deltas summed up, float counts as hex bits. */
function absolute(list: BucketSpan[], values: readonly number[] | readonly bigint[]): [number, string][] {
  const out: [number, string][] = [];
  let index = 0;
  let k = 0;
  let running = 0;
  for (const s of list) {
    index += s.offset;
    for (let j = 0; j < s.length; j++, index++, k++) {
      const v = values[k];
      if (typeof v === "bigint") {
        if (v !== 0n) out.push([index, hex(v)]);
      } else {
        running += v ?? Number.NaN;
        if (running !== 0) out.push([index, String(running)]);
      }
    }
  }
  return out;
}

/** A series as tests compare them: float samples as [t, hex bits], histograms as views. */
export interface MixedView {
  labels: [string, string][];
  samples: [number, string][];
  histograms: HistogramView[];
}

/** The written series, kept to [minMs, maxMs]; series left empty are dropped. */
export function expectedMixed(series: readonly WrittenSeries[], minMs: number, maxMs: number): MixedView[] {
  return series
    .map((s) => ({
      labels: s.labels,
      samples: s.samples.filter(([t]) => t >= minMs && t <= maxMs),
      histograms: s.histograms
        .filter((h) => h.t >= minMs && h.t <= maxMs)
        .map((h) => viewHistogram(toHistogram(h))),
    }))
    .filter((s) => s.samples.length + s.histograms.length > 0);
}

/** Decodes batches, joining the parts of each series wherever they are, in order. */
export function joinMixed(batches: readonly WriteBatch[]): MixedView[] {
  const out = new Map<string, MixedView>();
  for (const b of batches) {
    for (const s of decodeWriteRequest(b.body)) {
      const key = JSON.stringify(s.labels);
      const v = out.get(key) ?? { labels: s.labels, samples: [], histograms: [] };
      v.samples.push(...s.samples.map((x): [number, string] => [x.timestampMs, hex(x.valueBits)]));
      v.histograms.push(...s.histograms.map(viewHistogram));
      out.set(key, v);
    }
  }
  return [...out.values()];
}

/** Sorts views by labels, as Prometheus orders series. */
export function byLabels<T extends { labels: [string, string][] }>(list: T[]): T[] {
  return [...list].sort((a, b) => (JSON.stringify(a.labels) < JSON.stringify(b.labels) ? -1 : 1));
}
