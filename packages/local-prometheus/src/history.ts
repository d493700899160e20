import { open } from "node:fs/promises";
import { formatSeconds } from "./private/seconds";

export type SeriesKind = "counter" | "gauge";

/** One generated series: its stored labels (with `__name__`) and exactly which samples it holds. */
export interface SeriesInfo {
  readonly index: number;
  readonly kind: SeriesKind;
  readonly labels: Readonly<Record<string, string>>;
  /** Seed the values were drawn with; `historyValue` needs it. */
  readonly seed: number;
  readonly samples: number;
  /** Timestamp of sample k is `firstMs + k * stepMs`. */
  readonly firstMs: number;
  readonly lastMs: number;
  readonly stepMs: number;
}

export interface HistoryOptions {
  series: number;
  /** Inclusive. */
  startMs: number;
  /** Exclusive: samples sit at startMs, startMs + stepMs, … while < endMs. */
  endMs: number;
  stepMs: number;
  /** Series are spread round-robin over this many metric names (default min(series, 10)). */
  metrics?: number;
  seed?: number;
  /** Labels added to every series, e.g. to tell two generated sources apart. */
  extraLabels?: Readonly<Record<string, string>>;
}

export interface History {
  /** Exact number of samples written. */
  readonly samples: number;
  readonly series: readonly SeriesInfo[];
  readonly bytes: number;
}

/** Flushing in multi-megabyte strings keeps the writer near the speed of string building. */
const FLUSH_CHARS = 4 << 20;

/**
 * Streams deterministic pseudo-random history as an OpenMetrics text file, the input of
 * `promtool tsdb create-blocks-from openmetrics`. OpenMetrics wants each metric family's lines
 * together and each series' timestamps ascending, so the file is written family by family,
 * series by series. Timestamps are in seconds with millisecond precision.
 */
export async function writeOpenMetricsHistory(file: string, opts: HistoryOptions): Promise<History> {
  const o = compileHistoryOptions(opts);
  const steps = stepCount(o.startMs, o.endMs, o.stepMs);
  const stamps = new Array<string>(steps);
  for (let k = 0; k < steps; k++) stamps[k] = ` ${formatSeconds(o.startMs + k * o.stepMs)}\n`;

  const series: SeriesInfo[] = [];
  for (let i = 0; i < o.series; i++) series.push(describeSeries(i, o, steps));

  const handle = await open(file, "w");
  let bytes = 0;
  try {
    let buf = "";
    for (let m = 0; m < o.metrics; m++) {
      const kind = metricKind(m);
      buf += `# TYPE ${familyName(m)} ${kind}\n`;
      for (let i = m; i < o.series; i += o.metrics) {
        const info = series[i]!;
        const prefix = `${formatLabels(info.labels)} `;
        for (let k = 0; k < steps; k++) {
          buf += prefix + historyValue(info, k) + stamps[k];
          if (buf.length >= FLUSH_CHARS) {
            bytes += (await handle.write(buf)).bytesWritten;
            buf = "";
          }
        }
      }
    }
    buf += "# EOF\n";
    bytes += (await handle.write(buf)).bytesWritten;
  } finally {
    await handle.close();
  }
  return { samples: steps * o.series, series, bytes };
}

/**
 * The value of sample `k` of a generated series, as written to the file. Counters rise by at least 1
 * per sample (never reset), gauges wander in [-1000, 1000] with two decimals; all values survive a
 * text round trip exactly.
 */
export function historyValue(series: SeriesInfo, k: number): number {
  const h = mix(series.seed, series.index, k);
  if (series.kind === "gauge") return ((h % 200_001) - 100_000) / 100;
  const slope = 1 + (mix(series.seed, series.index, -1) % 100);
  const base = mix(series.seed, series.index, -2) % 10_000;
  // slope * k + (h mod slope) is strictly increasing in k.
  return base + slope * k + (h % slope);
}

/** Number of samples a series holds in [startMs, endMs) at stepMs. */
export function stepCount(startMs: number, endMs: number, stepMs: number): number {
  return endMs > startMs ? Math.ceil((endMs - startMs) / stepMs) : 0;
}

type CompiledHistoryOptions = Required<HistoryOptions>;

function compileHistoryOptions(opts: HistoryOptions): CompiledHistoryOptions {
  const { series, startMs, endMs, stepMs } = opts;
  const metrics = opts.metrics ?? Math.max(1, Math.min(series, 10));
  const seed = opts.seed ?? 1;
  for (const [name, v] of Object.entries({ series, startMs, endMs, stepMs, metrics, seed })) {
    if (!Number.isSafeInteger(v)) throw new RangeError(`history option ${name} must be an integer, got ${v}`);
  }
  if (series < 0) throw new RangeError(`history option series must be >= 0, got ${series}`);
  if (stepMs <= 0) throw new RangeError(`history option stepMs must be > 0, got ${stepMs}`);
  if (startMs < 0) throw new RangeError(`history option startMs must be >= 0, got ${startMs}`);
  if (metrics < 1) throw new RangeError(`history option metrics must be >= 1, got ${metrics}`);
  const extraLabels = opts.extraLabels ?? {};
  for (const name of Object.keys(extraLabels)) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name) || name === "__name__") {
      throw new RangeError(`history option extraLabels has an invalid label name: ${name}`);
    }
  }
  return { series, startMs, endMs, stepMs, metrics, seed, extraLabels };
}

function describeSeries(index: number, o: CompiledHistoryOptions, steps: number): SeriesInfo {
  const m = index % o.metrics;
  const kind = metricKind(m);
  return {
    index,
    kind,
    labels: {
      __name__: kind === "counter" ? `${familyName(m)}_total` : familyName(m),
      instance: `host-${index % 50}:9100`,
      job: "ferry-history",
      series: String(index),
      ...o.extraLabels,
    },
    seed: o.seed,
    samples: steps,
    firstMs: o.startMs,
    lastMs: o.startMs + (steps - 1) * o.stepMs,
    stepMs: o.stepMs,
  };
}

function metricKind(metric: number): SeriesKind {
  return metric % 2 === 0 ? "counter" : "gauge";
}

function familyName(metric: number): string {
  return metricKind(metric) === "counter"
    ? `ferry_history_requests_${metric}`
    : `ferry_history_level_${metric}`;
}

function formatLabels(labels: Readonly<Record<string, string>>): string {
  const pairs: string[] = [];
  for (const [k, v] of Object.entries(labels)) if (k !== "__name__") pairs.push(`${k}="${v}"`);
  return `${labels.__name__}{${pairs.join(",")}}`;
}

/** A 32-bit avalanche hash (murmur3's finaliser over a simple combination); non-negative. */
function mix(seed: number, a: number, b: number): number {
  let h =
    Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^
    Math.imul(a + 0x7f4a7c15, 0xc2b2ae35) ^
    Math.imul(b, 0x27d4eb2f);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
