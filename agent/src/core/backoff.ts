export interface BackoffOptions {
  initialMs: number;
  multiplier: number;
  maxMs: number;
  /** ± share of the delay drawn at random, e.g. 0.2. */
  jitter: number;
}

/** grpc-js's reconnect schedule: 1 s, ×1.6, at most 120 s, ±20 %. */
export const RECONNECT_BACKOFF: BackoffOptions = {
  initialMs: 1000,
  multiplier: 1.6,
  maxMs: 120_000,
  jitter: 0.2,
};

/** Exponential backoff with jitter. */
export class Backoff {
  private nextMs: number;

  constructor(
    private readonly options: BackoffOptions,
    private readonly random: () => number = Math.random,
  ) {
    this.nextMs = options.initialMs;
  }

  /** The delay before the next attempt; grows the one after. */
  next(): number {
    const base = this.nextMs;
    this.nextMs = Math.min(this.options.maxMs, base * this.options.multiplier);
    const spread = base * this.options.jitter;
    return Math.max(0, Math.round(base - spread + 2 * spread * this.random()));
  }

  reset(): void {
    this.nextMs = this.options.initialMs;
  }
}

/** Resolves after `ms`, or rejects with the signal's reason once it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
