import { PrometheusApiError } from "./errors";
import { formatSeconds, parseSeconds } from "./private/seconds";

/**
 * A small client of the Prometheus HTTP query API as Prometheus, VictoriaMetrics and Cortex/Mimir serve
 * it. `baseUrl` is what precedes `/api/v1/…` (for Cortex usually `http://host/prometheus`); `headers`
 * carries e.g. `X-Scope-OrgID`. Requests are POSTed as forms, so long selectors fit.
 */

export type RequestHeaders = Readonly<Record<string, string>>;
export type Labels = Record<string, string>;

export interface Sample {
  readonly timestampMs: number;
  /** May be NaN or ±Infinity. */
  readonly value: number;
}

export interface InstantSeries {
  readonly labels: Labels;
  readonly sample: Sample;
}

export interface RangeSeries {
  readonly labels: Labels;
  readonly samples: readonly Sample[];
}

/**
 * Evaluates `promql` at `timeMs` (default: the server's now). A scalar result comes back as one
 * series with no labels.
 */
export async function instantQuery(
  baseUrl: string,
  promql: string,
  timeMs?: number,
  headers?: RequestHeaders,
): Promise<InstantSeries[]> {
  const params: Record<string, string> = { query: promql };
  if (timeMs !== undefined) params.time = formatSeconds(timeMs);
  const data = await callApi(baseUrl, "/api/v1/query", params, headers);
  const { resultType, result } = asRecord(data, "data");
  if (resultType === "scalar") return [{ labels: {}, sample: toSample(result) }];
  if (resultType !== "vector")
    throw unexpected(baseUrl, `resultType ${String(resultType)} for an instant query`);
  return asArray(result, "result").map((item) => {
    const r = asRecord(item, "result item");
    return { labels: toLabels(r.metric), sample: toSample(r.value) };
  });
}

export async function rangeQuery(
  baseUrl: string,
  promql: string,
  startMs: number,
  endMs: number,
  stepMs: number,
  headers?: RequestHeaders,
): Promise<RangeSeries[]> {
  const params = {
    query: promql,
    start: formatSeconds(startMs),
    end: formatSeconds(endMs),
    step: formatSeconds(stepMs),
  };
  const data = await callApi(baseUrl, "/api/v1/query_range", params, headers);
  const { resultType, result } = asRecord(data, "data");
  if (resultType !== "matrix")
    throw unexpected(baseUrl, `resultType ${String(resultType)} for a range query`);
  return asArray(result, "result").map((item) => {
    const r = asRecord(item, "result item");
    return { labels: toLabels(r.metric), samples: asArray(r.values, "values").map(toSample) };
  });
}

/** Label sets of the series matching any of `match` with samples in [startMs, endMs]. */
export async function series(
  baseUrl: string,
  match: readonly string[],
  startMs: number,
  endMs: number,
  headers?: RequestHeaders,
): Promise<Labels[]> {
  const params = new URLSearchParams({ start: formatSeconds(startMs), end: formatSeconds(endMs) });
  for (const m of match) params.append("match[]", m);
  const data = await callApi(baseUrl, "/api/v1/series", params, headers);
  return asArray(data, "data").map(toLabels);
}

/**
 * Prometheus before 2.49 fails a query with this when the head is compacted while the query reads
 * it (prometheus/prometheus#13115); the data is there, and the same query asked again succeeds.
 */
const HEAD_COMPACTION_RACE = /^cannot populate chunk \d+ from block \w+: not found$/;
const RACE_RETRIES = 3;
const RACE_RETRY_DELAY_MS = 200;

async function callApi(
  baseUrl: string,
  path: string,
  params: Record<string, string> | URLSearchParams,
  headers: RequestHeaders | undefined,
): Promise<unknown> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await callApiOnce(baseUrl, path, params, headers);
    } catch (error) {
      const raced = error instanceof PrometheusApiError && isHeadCompactionRace(error);
      if (!raced || attempt >= RACE_RETRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, RACE_RETRY_DELAY_MS));
    }
  }
}

/** Whether `error` is the transient failure of a query that raced a head compaction. */
function isHeadCompactionRace(error: PrometheusApiError): boolean {
  return error.status === 422 && error.errorType === "execution" && HEAD_COMPACTION_RACE.test(error.detail);
}

async function callApiOnce(
  baseUrl: string,
  path: string,
  params: Record<string, string> | URLSearchParams,
  headers: RequestHeaders | undefined,
): Promise<unknown> {
  const url = `${baseUrl.replace(/\/+$/, "")}${path}`;
  const res = await fetch(url, {
    method: "POST",
    headers: { ...headers, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(params).toString(),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new PrometheusApiError(url, res.status, "bad_response", text.slice(0, 500));
  }
  const envelope = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  if (!res.ok || envelope.status !== "success") {
    const errorType = typeof envelope.errorType === "string" ? envelope.errorType : "http";
    const detail = typeof envelope.error === "string" ? envelope.error : text.slice(0, 500);
    throw new PrometheusApiError(url, res.status, errorType, detail);
  }
  return envelope.data;
}

function toSample(pair: unknown): Sample {
  const [t, v] = asArray(pair, "sample");
  if ((typeof t !== "number" && typeof t !== "string") || typeof v !== "string") {
    throw new TypeError(`malformed sample ${JSON.stringify(pair)}`);
  }
  return { timestampMs: parseSeconds(t), value: Number(v) };
}

function toLabels(metric: unknown): Labels {
  const labels: Labels = {};
  for (const [k, v] of Object.entries(asRecord(metric, "metric"))) {
    if (typeof v !== "string") throw new TypeError(`label ${k} is not a string`);
    labels[k] = v;
  }
  return labels;
}

function asRecord(x: unknown, what: string): Record<string, unknown> {
  if (typeof x !== "object" || x === null || Array.isArray(x))
    throw new TypeError(`${what} is not an object`);
  return x as Record<string, unknown>;
}

function asArray(x: unknown, what: string): unknown[] {
  if (!Array.isArray(x)) throw new TypeError(`${what} is not an array`);
  return x;
}

function unexpected(baseUrl: string, detail: string): PrometheusApiError {
  return new PrometheusApiError(baseUrl, 200, "unexpected_result", detail);
}
