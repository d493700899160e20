import { RejectReason } from "@ferry/api";
import { classifyRejection } from "./reject-reason";

export type SinkResult =
  | { kind: "accepted"; status: number }
  | { kind: "rejected"; status: number; reason: RejectReason; message: string }
  | { kind: "too_large"; status: number; message: string }
  | { kind: "retry"; status: number; message: string; retryAfterMs: number | undefined };

export interface SinkClientOptions {
  remoteWriteUrl: string;
  tenantHeader: string;
  timeoutMs: number;
}

const MAX_MESSAGE = 512;

/**
 * Forwards remote-write payloads, already snappy-compressed, to the sink unchanged, with
 * the tenant header set from the caller's authenticated identity. It never retries: it
 * says what the sink answered and leaves retrying to the agent, which holds the data.
 */
export class SinkClient {
  constructor(private readonly options: SinkClientOptions) {}

  async write(payload: Uint8Array, tenant: string, signal?: AbortSignal): Promise<SinkResult> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    let response: Response;
    try {
      response = await fetch(this.options.remoteWriteUrl, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-protobuf",
          "Content-Encoding": "snappy",
          "X-Prometheus-Remote-Write-Version": "0.1.0",
          "User-Agent": "ferry-gateway",
          [this.options.tenantHeader]: tenant,
        },
        body: payload,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      return {
        kind: "retry",
        status: 0,
        message: `sink unreachable: ${describe(error)}`,
        retryAfterMs: undefined,
      };
    }
    const status = response.status;
    if (status >= 200 && status < 300) {
      await response.body?.cancel();
      return { kind: "accepted", status };
    }
    const message = (await response.text().catch(() => "")).trim().slice(0, MAX_MESSAGE);
    if (status === 429 || status >= 500) {
      return {
        kind: "retry",
        status,
        message,
        retryAfterMs: parseRetryAfter(response.headers.get("retry-after")),
      };
    }
    if (status === 413) return { kind: "too_large", status, message };
    return { kind: "rejected", status, reason: classifyRejection(status, message), message };
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
    return `${error.message}${cause}`;
  }
  return String(error);
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, nowMs = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

export { RejectReason };
