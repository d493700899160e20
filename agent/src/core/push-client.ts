import { Code, ConnectError } from "@connectrpc/connect";
import type { PushResponse } from "@ferry/api";
import type { Logger } from "pino";
import type { AgentMetrics } from "./agent-metrics";
import { Backoff, type BackoffOptions, sleep } from "./backoff";
import type { GatewayLink } from "./gateway-link";

// At most 10 s apart: a sink back from an outage is used again within seconds.
export const PUSH_RETRY_BACKOFF: BackoffOptions = {
  initialMs: 250,
  multiplier: 2,
  maxMs: 10_000,
  jitter: 0.2,
};

/**
 * Codes for which the same payload is pushed again after a pause. A session the gateway no
 * longer knows (the agent is reconnecting) is Unavailable; Unauthenticated and PermissionDenied
 * mean the credential was refused (e.g. the cluster was removed), which no retry mends.
 */
const RETRYABLE = new Set([Code.Unavailable, Code.ResourceExhausted, Code.DeadlineExceeded, Code.Aborted]);

export interface PushOptions {
  samples: number;
  histograms: number;
  importId: string;
  signal?: AbortSignal;
  /** Give up (Unavailable) once this instant has passed; undefined retries until the signal aborts. */
  deadlineMs?: number;
}

/** The gateway's answer, and the round trip of the attempt that got it. */
interface Answered {
  answer: PushResponse;
  seconds: number;
}

/**
 * Pushes compressed remote-write payloads through the gateway. Network trouble, 5xx and
 * 429 from the sink, and a lost session are retried with backoff (honouring the sink's
 * Retry-After); while the link is down the caller waits instead of buffering. The answer
 * says accepted, rejected (with the reason) or too large.
 */
export class PushClient {
  retries = 0;

  constructor(
    private readonly link: GatewayLink,
    private readonly logger: Logger,
    private readonly backoffOptions: BackoffOptions = PUSH_RETRY_BACKOFF,
    private readonly metrics?: AgentMetrics,
  ) {}

  async push(payload: Uint8Array, options: PushOptions): Promise<PushResponse> {
    this.metrics?.pushStarted(payload.length);
    let answered: Answered | undefined;
    try {
      answered = await this.pushUntilAnswered(payload, options);
      return answered.answer;
    } finally {
      this.metrics?.pushEnded(payload.length, answered?.answer.outcome ?? "error", answered?.seconds);
    }
  }

  private async pushUntilAnswered(payload: Uint8Array, options: PushOptions): Promise<Answered> {
    const backoff = new Backoff(this.backoffOptions);
    for (;;) {
      const signal = deadlineSignal(options);
      const session = await this.link.whenReady(signal);
      const sentAt = performance.now();
      try {
        const answer = await this.link.push(
          {
            payload,
            samples: options.samples,
            histograms: options.histograms,
            importId: options.importId,
          },
          session,
          signal,
        );
        return { answer, seconds: (performance.now() - sentAt) / 1000 };
      } catch (error) {
        const reason = ConnectError.from(error);
        if (options.signal?.aborted) throw options.signal.reason;
        if (!RETRYABLE.has(reason.code)) throw reason;
        if (options.deadlineMs !== undefined && Date.now() >= options.deadlineMs) throw reason;
        this.retries++;
        this.metrics?.pushRetried();
        const retryAfter = Number(reason.metadata.get("retry-after-ms") ?? Number.NaN);
        const delay = Number.isFinite(retryAfter) ? Math.max(retryAfter, backoff.next()) : backoff.next();
        this.logger.debug(
          { code: Code[reason.code], delay, err: reason.rawMessage },
          "push failed; retrying",
        );
        await sleep(delay, signal);
      }
    }
  }
}

function deadlineSignal(options: PushOptions): AbortSignal | undefined {
  if (options.deadlineMs === undefined) return options.signal;
  const timeout = AbortSignal.timeout(Math.max(0, options.deadlineMs - Date.now()));
  return options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
}
