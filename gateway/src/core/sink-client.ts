import { RejectReason } from "@ferry/api";
import { HttpPoster, type PostResult } from "./http-post";
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
  private readonly poster = new HttpPoster();
  private readonly url: URL;

  constructor(private readonly options: SinkClientOptions) {
    this.url = new URL(options.remoteWriteUrl);
  }

  async write(payload: Uint8Array, tenant: string, signal?: AbortSignal): Promise<SinkResult> {
    let answer: PostResult;
    try {
      answer = await this.poster.post(
        this.url,
        {
          "Content-Type": "application/x-protobuf",
          "Content-Encoding": "snappy",
          "X-Prometheus-Remote-Write-Version": "0.1.0",
          "User-Agent": "ferry-gateway",
          [this.options.tenantHeader]: tenant,
        },
        payload,
        this.options.timeoutMs,
        signal,
      );
    } catch (error) {
      return {
        kind: "retry",
        status: 0,
        message: `sink unreachable: ${describe(error)}`,
        retryAfterMs: undefined,
      };
    }
    const status = answer.status;
    if (status >= 200 && status < 300) return { kind: "accepted", status };
    const message = answer.text.trim().slice(0, MAX_MESSAGE);
    if (status === 429 || status >= 500) {
      const retryAfter = answer.headers["retry-after"];
      return { kind: "retry", status, message, retryAfterMs: parseRetryAfter(retryAfter ?? null) };
    }
    if (status === 413) return { kind: "too_large", status, message };
    return { kind: "rejected", status, reason: classifyRejection(status, message), message };
  }

  close(): void {
    this.poster.close();
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
