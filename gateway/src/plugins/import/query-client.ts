import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { type QueryResponse, QueryResponseSchema, type QuerySeries, QuerySeriesSchema } from "@ferry/api";

export interface PrometheusQuery {
  query: string;
  timeMs?: number;
  range?: { startMs: number; endMs: number; stepMs: number };
}

interface ApiResponse {
  status: "success" | "error";
  errorType?: string;
  error?: string;
  data?: { resultType: string; result: unknown };
}

type ApiSample = [number, string];
interface ApiSeries {
  metric: Record<string, string>;
  value?: ApiSample;
  values?: ApiSample[];
}

/** PromQL against the sink's Prometheus-compatible query API, as one tenant. */
export class QueryClient {
  constructor(
    private readonly baseUrl: string,
    private readonly tenantHeader: string,
    private readonly timeoutMs = 30_000,
  ) {}

  async query(tenant: string, q: PrometheusQuery, signal?: AbortSignal): Promise<QueryResponse> {
    const params = new URLSearchParams({ query: q.query });
    let path = "/api/v1/query";
    if (q.range) {
      path = "/api/v1/query_range";
      params.set("start", String(q.range.startMs / 1000));
      params.set("end", String(q.range.endMs / 1000));
      params.set("step", `${q.range.stepMs / 1000}s`);
    } else if (q.timeMs !== undefined) {
      params.set("time", String(q.timeMs / 1000));
    }
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
    if (body.status !== "success" || !body.data) {
      const code = response.status >= 400 && response.status < 500 ? Code.InvalidArgument : Code.Unavailable;
      throw new ConnectError(
        `query: ${body.errorType ?? "error"}: ${body.error ?? text.slice(0, 300)}`,
        code,
      );
    }
    return toResponse(body.data.resultType, body.data.result);
  }
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
