import { Code, ConnectError } from "@connectrpc/connect";

/**
 * Largest Push payload (compressed remote-write bytes) the gateway forwards. The agent's batches
 * are a few MiB and Prometheus's remote-write requests far less; Cortex refuses bodies above
 * 100 MiB by default. A larger payload is answered TOO_LARGE, which makes the agent split it.
 */
export const DEFAULT_MAX_PUSH_BYTES = 64 * 1024 * 1024;

/**
 * Room for the rest of a PushRequest around its payload (counts, import id, framing), so a
 * payload just above the limit still reaches the handler and gets a TOO_LARGE answer the
 * agent acts on, instead of a transport-level ResourceExhausted it would retry.
 */
export const PUSH_ENVELOPE_BYTES = 64 * 1024;

export interface PushLimiterOptions {
  /** Bytes per second one cluster's agent may push; 0 means no limit. */
  bytesPerSecond: number;
  /** Bytes a cluster may push at once after being idle; default one second's worth. */
  burstBytes?: number;
  now?: () => number;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/**
 * A token bucket per cluster over pushed payload bytes. A push is admitted while the cluster's
 * bucket is not in debt and takes its whole size, possibly going into debt: so a payload larger
 * than the burst still passes, and the average stays at the rate. A refused push is told how long
 * to wait (`retry-after-ms`), which the agent's PushClient honours before pushing again.
 */
export class PushLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly rate: number;
  private readonly burst: number;
  private readonly now: () => number;

  constructor(options: PushLimiterOptions) {
    const { bytesPerSecond } = options;
    if (!Number.isFinite(bytesPerSecond) || bytesPerSecond < 0) {
      throw new RangeError(`bytesPerSecond must be a non-negative number, got ${bytesPerSecond}`);
    }
    this.rate = bytesPerSecond / 1000;
    this.burst = options.burstBytes ?? bytesPerSecond;
    if (!Number.isFinite(this.burst) || this.burst < 0) {
      throw new RangeError(`burstBytes must be a non-negative number, got ${this.burst}`);
    }
    this.now = options.now ?? Date.now;
  }

  get enabled(): boolean {
    return this.rate > 0;
  }

  /**
   * Takes `bytes` from the cluster's bucket, or returns how many ms to wait before the bucket is
   * out of debt again. Returns 0 when admitted.
   */
  take(clusterId: string, bytes: number): number {
    if (this.rate === 0) return 0;
    const now = this.now();
    let bucket = this.buckets.get(clusterId);
    if (!bucket) {
      bucket = { tokens: this.burst, updatedMs: now };
      this.buckets.set(clusterId, bucket);
    }
    bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.updatedMs) * this.rate);
    bucket.updatedMs = now;
    if (bucket.tokens < 0) return Math.max(1, Math.ceil(-bucket.tokens / this.rate));
    bucket.tokens -= bytes;
    return 0;
  }

  /** Throws ResourceExhausted with `retry-after-ms` when the cluster must wait. */
  admit(clusterId: string, bytes: number): void {
    const waitMs = this.take(clusterId, bytes);
    if (waitMs === 0) return;
    const error = new ConnectError(
      `push rate of cluster "${clusterId}" is above the gateway's limit of ${this.rate * 1000} bytes/s; retry in ${waitMs} ms`,
      Code.ResourceExhausted,
    );
    error.metadata.set("retry-after-ms", String(waitMs));
    throw error;
  }
}
