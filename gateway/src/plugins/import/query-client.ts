import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { type QueryResponse, QueryResponseSchema, type QuerySeries, QuerySeriesSchema } from "@ferry/api";

export interface PrometheusQuery {
  query: string;
  timeMs?: number;
  range?: { startMs: number; endMs: number; stepMs: number };
  /**
   * Ask the sink not to answer from (or align the range to) a results cache: VictoriaMetrics's
   * `nocache=1`, which other Prometheus-compatible APIs ignore. Verify needs what is stored now.
   */
  noCache?: boolean;
}

/** One series of a matrix or vector result, timestamps in milliseconds. */
export interface SinkSeries {
  labels: Record<string, string>;
  samples: [timestampMs: number, value: number][];
}

interface ApiResponse {
  status: "success" | "error";
  errorType?: string;
  error?: string;
  data?: unknown;
}

interface QueryData {
  resultType: string;
  result: unknown;
}

type ApiSample = [number, string];
interface ApiSeries {
  metric: Record<string, string>;
  value?: ApiSample;
  values?: ApiSample[];
}

/** PromQL and series look-ups against the sink's Prometheus-compatible API, as one tenant. */
export class QueryClient {
  constructor(
    private readonly baseUrl: string,
    private readonly tenantHeader: string,
    private readonly timeoutMs = 30_000,
  ) {}

  async query(tenant: string, q: PrometheusQuery, signal?: AbortSignal): Promise<QueryResponse> {
    const data = await this.queryData(tenant, q, signal);
    return toResponse(data.resultType, data.result);
  }

  /** A matrix or vector result as plain series (for comparing counts); other result types are refused. */
  async querySeries(tenant: string, q: PrometheusQuery, signal?: AbortSignal): Promise<SinkSeries[]> {
    const data = await this.queryData(tenant, q, signal);
    if (data.resultType !== "matrix" && data.resultType !== "vector") {
      throw new ConnectError(`query: expected a matrix or vector, got ${data.resultType}`, Code.Internal);
    }
    return (data.result as ApiSeries[]).map((s) => ({
      labels: s.metric,
      samples: (s.values ?? (s.value ? [s.value] : [])).map(([t, v]) => [
        Math.round(t * 1000),
        parseValue(v),
      ]),
    }));
  }

  /** /api/v1/series: the label sets of the series matching any of `matchers`, in [startMs, endMs]. */
  async series(
    tenant: string,
    matchers: readonly string[],
    range: { startMs?: number; endMs?: number },
    signal?: AbortSignal,
  ): Promise<Record<string, string>[]> {
    const params = new URLSearchParams();
    for (const m of matchers) params.append("match[]", m);
    if (range.startMs !== undefined) params.set("start", apiTime(range.startMs));
    if (range.endMs !== undefined) params.set("end", apiTime(range.endMs));
    const data = await this.call(tenant, "/api/v1/series", params, "series", signal);
    if (!Array.isArray(data)) throw new ConnectError("series: the sink answered no list", Code.Unavailable);
    return data as Record<string, string>[];
  }

  private async queryData(tenant: string, q: PrometheusQuery, signal?: AbortSignal): Promise<QueryData> {
    const params = new URLSearchParams({ query: q.query });
    let path = "/api/v1/query";
    if (q.range) {
      path = "/api/v1/query_range";
      params.set("start", apiTime(q.range.startMs));
      params.set("end", apiTime(q.range.endMs));
      params.set("step", `${q.range.stepMs}ms`);
    } else if (q.timeMs !== undefined) {
      params.set("time", apiTime(q.timeMs));
    }
    if (q.noCache) params.set("nocache", "1");
    const data = (await this.call(tenant, path, params, "query", signal)) as QueryData | undefined;
    if (!data || typeof data.resultType !== "string") {
      throw new ConnectError("query: the sink answered no result", Code.Unavailable);
    }
    return data;
  }

  /** POSTs a form to the API and returns its `data`; errors name `field`. */
  private async call(
    tenant: string,
    path: string,
    params: URLSearchParams,
    field: string,
    signal?: AbortSignal,
  ): Promise<unknown> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl.replace(/\/$/, "")}${path}`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", [this.tenantHeader]: tenant },
        body: params.toString(),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      if (signal?.aborted) throw ConnectError.from(signal.reason, Code.Canceled);
      throw new ConnectError(`query API unreachable: ${(error as Error).message}`, Code.Unavailable);
    }
    const text = await response.text();
    let body: ApiResponse;
    try {
      body = JSON.parse(text) as ApiResponse;
    } catch {
      throw new ConnectError(
        `query API answered ${response.status}: ${text.slice(0, 300)}`,
        Code.Unavailable,
      );
    }
    if (body.status !== "success" || body.data === undefined) {
      const code = response.status >= 400 && response.status < 500 ? Code.InvalidArgument : Code.Unavailable;
      throw new ConnectError(
        `${field}: ${body.errorType ?? "error"}: ${body.error ?? text.slice(0, 300)}`,
        code,
      );
    }
    return body.data;
  }
}

/**
 * Unix seconds with exactly the milliseconds: Prometheus rounds the fraction to milliseconds, and
 * VictoriaMetrics parses this form exactly (checked with 1.79).
 */
function apiTime(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function toResponse(resultType: string, result: unknown): QueryResponse {
  const series: QuerySeries[] = [];
  if (resultType === "matrix" || resultType === "vector") {
    for (const s of result as ApiSeries[]) {
      const samples = s.values ?? (s.value ? [s.value] : []);
      series.push(
        create(QuerySeriesSchema, {
          labels: s.metric,
          samples: samples.map(([t, v]) => ({
            timestampMs: BigInt(Math.round(t * 1000)),
            value: parseValue(v),
          })),
        }),
      );
    }
  } else if (resultType === "scalar" || resultType === "string") {
    const [t, v] = result as ApiSample;
    series.push(
      create(QuerySeriesSchema, {
        samples: [{ timestampMs: BigInt(Math.round(t * 1000)), value: parseValue(v) }],
      }),
    );
  }
  return create(QueryResponseSchema, { resultType, series });
}

/** Prometheus writes special floats as "NaN", "+Inf" and "-Inf". */
function parseValue(v: string): number {
  if (v === "+Inf") return Number.POSITIVE_INFINITY;
  if (v === "-Inf") return Number.NEGATIVE_INFINITY;
  return Number(v);
}
