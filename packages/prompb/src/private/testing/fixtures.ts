// Test support: the responses captured from a real Prometheus by testdata/capture.mjs and the
// samples they must contain.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import type { DecodedSeries, WriteBatch } from "../../index";
import { countWriteRequest, decodeWriteRequest } from "../../write-request";

const TESTDATA = join(__dirname, "..", "..", "..", "testdata");

/** A series as tests compare them: labels, then [timestamp, value bits as hex] pairs. */
export interface SeriesView {
  labels: [string, string][];
  samples: [number, string][];
}

export interface CaptureQuery {
  startMs: number;
  endMs: number;
  matchers: { type: string; name: string; value: string }[];
  /** Indexes into `Fixtures.series` of the series the query selects. */
  series: number[];
}

export interface Capture {
  file: string;
  /** The uncompressed ReadRequest sent, as hex. */
  request: string;
  contentType: string;
  accepted: number[];
  queries: CaptureQuery[];
}

interface RawSeries {
  labels: [string, string][];
  /** First timestamp, then deltas. */
  t: number[];
  /** Value bits as hex. */
  v: string[];
}

export interface Fixtures {
  series: SeriesView[];
  captures: Capture[];
}

let cached: Fixtures | undefined;

export function fixtures(): Fixtures {
  if (cached) return cached;
  const raw = JSON.parse(gunzipSync(readFileSync(join(TESTDATA, "expected.json.gz"))).toString("utf8")) as {
    series: RawSeries[];
    captures: Capture[];
  };
  const series = raw.series.map((s): SeriesView => {
    let t = 0;
    return {
      labels: s.labels,
      samples: s.t.map((d, i): [number, string] => {
        t = i === 0 ? d : t + d;
        return [t, s.v[i]!];
      }),
    };
  });
  cached = { series, captures: raw.captures };
  return cached;
}

export function capture(file: string): Capture {
  const c = fixtures().captures.find((x) => x.file === file);
  if (!c) throw new Error(`no capture ${file}`);
  return c;
}

export function captureBody(file: string): Buffer {
  return readFileSync(join(TESTDATA, file));
}

/** What a capture must yield: per query in order, its series clipped to the query's range. */
export function expectedSeries(file: string, clip?: { minMs: number; maxMs: number }): SeriesView[] {
  const all = fixtures().series;
  return capture(file).queries.flatMap((q) =>
    q.series.map((i) => {
      const s = all[i]!;
      const lo = clip?.minMs ?? q.startMs;
      const hi = clip?.maxMs ?? q.endMs;
      return { labels: s.labels, samples: s.samples.filter(([t]) => t >= lo && t <= hi) };
    }),
  );
}

export function hexBits(bits: bigint): string {
  return bits.toString(16).padStart(16, "0");
}

export function viewOf(series: DecodedSeries): SeriesView {
  return {
    labels: series.labels,
    samples: series.samples.map((s): [number, string] => [s.timestampMs, hexBits(s.valueBits)]),
  };
}

/**
 * Decodes batches and joins the parts of series split across them (consecutive entries with the
 * same labels), so the result can be compared with `expectedSeries`.
 */
export function joinBatches(batches: readonly WriteBatch[]): SeriesView[] {
  const out: SeriesView[] = [];
  for (const b of batches) {
    for (const s of decodeWriteRequest(b.body)) {
      const v = viewOf(s);
      const last = out[out.length - 1];
      if (last && JSON.stringify(last.labels) === JSON.stringify(v.labels)) last.samples.push(...v.samples);
      else out.push(v);
    }
  }
  return out;
}

/** Checks batch accounting, limits, and that `continuesSeries` marks exactly the later parts. */
export function checkBatches(
  batches: readonly WriteBatch[],
  limits: { maxSamples: number; maxBytes: number },
): void {
  const seen = new Set<string>();
  for (const b of batches) {
    expect(countWriteRequest(b.body)).toEqual({
      series: b.series,
      samples: b.samples,
      histograms: b.histograms,
    });
    expect(b.samples + b.histograms).toBeLessThanOrEqual(limits.maxSamples);
    expect(b.samples + b.histograms).toBeGreaterThan(0);
    const keys = decodeWriteRequest(b.body).map((s) => JSON.stringify(s.labels));
    // Only a single series part whose labels and one sample exceed the limit may be larger.
    if (b.body.length > limits.maxBytes) expect([keys.length, b.samples + b.histograms]).toEqual([1, 1]);
    expect(b.continuesSeries).toBe(keys.some((k) => seen.has(k)));
    for (const k of keys) seen.add(k);
  }
}
