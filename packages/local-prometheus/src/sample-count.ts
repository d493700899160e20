import { canonicalLabels } from "./canonical-labels";
import { PrometheusApiError } from "./errors";
import { instantQuery, type RequestHeaders, series } from "./prometheus-api";

/**
 * How a range selector `x[r]` evaluated at t bounds its window: Prometheus 2.x (and so Cortex) takes
 * [t-r, t]; Prometheus 3 and VictoriaMetrics take (t-r, t].
 */
export type RangeSemantics = "closed" | "left-open";

/**
 * Asks the server how it bounds range windows, without touching stored data: `[2s:1s]` at a whole
 * second yields 3 subquery steps under closed windows and 2 under left-open ones (subqueries and range
 * selectors changed together in Prometheus 3). Not cached: free ports get reused, by other kinds of
 * server too, and the probe costs a millisecond.
 */
export async function detectRangeSemantics(
  baseUrl: string,
  headers?: RequestHeaders,
): Promise<RangeSemantics> {
  const atMs = Math.floor(Date.now() / 1000) * 1000;
  const result = await instantQuery(baseUrl, "count_over_time(vector(1)[2s:1s])", atMs, headers);
  const steps = result[0]?.sample.value;
  if (steps === 3) return "closed";
  if (steps === 2) return "left-open";
  throw new PrometheusApiError(baseUrl, 200, "unexpected_result", `range semantics probe gave ${steps}`);
}

/**
 * Counts the samples of every series matching `selector` with timestamps in [startMs, endMs] (both
 * inclusive, as a remote-read query's range). Keys are `canonicalLabels` of each series, metric name
 * included. Exact: the range `[r]` evaluated at endMs is sized to the server's window semantics, and
 * `count_over_time` ignores staleness markers and lookback.
 *
 * `selector` is a plain series selector (`name{…}`, `{…}`, or `name`), without offset or @. As
 * `count_over_time` drops the metric name, a selector without one is counted metric name by metric name
 * (found with the series API), so series differing only in their name stay apart.
 */
export async function countSamplesPerSeries(
  baseUrl: string,
  selector: string,
  startMs: number,
  endMs: number,
  headers?: RequestHeaders,
): Promise<Map<string, number>> {
  if (!Number.isSafeInteger(startMs) || !Number.isSafeInteger(endMs) || endMs <= startMs) {
    throw new RangeError(`need integer startMs < endMs, got ${startMs} and ${endMs}`);
  }
  const { name, matchers } = parseSelector(selector);
  const semantics = await detectRangeSemantics(baseUrl, headers);
  const rangeMs = endMs - startMs + (semantics === "left-open" ? 1 : 0);

  const names = name !== undefined ? [name] : await metricNames(baseUrl, selector, startMs, endMs, headers);
  const counts = new Map<string, number>();
  for (const metric of names) {
    const inner = [`__name__=${JSON.stringify(metric)}`, ...(matchers ? [matchers] : [])].join(",");
    const promql = `count_over_time({${inner}}[${rangeMs}ms])`;
    for (const { labels, sample } of await instantQuery(baseUrl, promql, endMs, headers)) {
      counts.set(canonicalLabels({ ...labels, __name__: metric }), sample.value);
    }
  }
  return counts;
}

/** The number of samples of all series matching `selector` in [startMs, endMs]; see countSamplesPerSeries. */
export async function totalSamples(
  baseUrl: string,
  selector: string,
  startMs: number,
  endMs: number,
  headers?: RequestHeaders,
): Promise<number> {
  let total = 0;
  for (const n of (await countSamplesPerSeries(baseUrl, selector, startMs, endMs, headers)).values())
    total += n;
  return total;
}

async function metricNames(
  baseUrl: string,
  selector: string,
  startMs: number,
  endMs: number,
  headers?: RequestHeaders,
): Promise<string[]> {
  const found = await series(baseUrl, [selector], startMs, endMs, headers);
  const names = new Set<string>();
  for (const labels of found) if (labels.__name__ !== undefined) names.add(labels.__name__);
  return [...names].sort();
}

const SELECTOR = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)?\s*(?:\{(.*)\})?\s*$/s;

/** Splits a series selector into its metric name and the text between its braces. */
export function parseSelector(selector: string): { name?: string; matchers: string } {
  const m = SELECTOR.exec(selector);
  if (!m || (m[1] === undefined && m[2] === undefined)) {
    throw new RangeError(`not a plain series selector (name{matchers}): ${selector}`);
  }
  const matchers = (m[2] ?? "").trim().replace(/,\s*$/, "");
  return m[1] === undefined ? { matchers } : { name: m[1], matchers };
}
