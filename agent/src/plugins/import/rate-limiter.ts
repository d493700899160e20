import { sleep } from "../../core/backoff";

/**
 * A token bucket in samples per second, to protect a shared sink. The bucket holds at most one
 * second of tokens; a request larger than that waits until its debt is paid, so the long-run
 * rate holds whatever the batch size.
 */
export class RateLimiter {
  private tokens: number;
  private lastMs: number;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = perSecond;
    this.lastMs = now();
  }

  async take(samples: number, signal?: AbortSignal): Promise<void> {
    if (this.perSecond <= 0) return;
    this.refill();
    this.tokens -= samples;
    if (this.tokens >= 0) return;
    await sleep(Math.ceil((-this.tokens * 1000) / this.perSecond), signal);
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.lastMs) * this.perSecond) / 1000);
    this.lastMs = now;
  }
}
