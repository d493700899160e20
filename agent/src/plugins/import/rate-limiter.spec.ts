import { RateLimiter } from "./rate-limiter";

describe("RateLimiter", () => {
  it("lets a second's worth through at once, then makes the caller wait for its debt", async () => {
    let now = 0;
    const limiter = new RateLimiter(1000, () => now);
    const started = Date.now();
    await limiter.take(1000);
    expect(Date.now() - started).toBeLessThan(50);
    // 100 more samples at 1000/s: a debt of 100 ms.
    const waiting = limiter.take(100);
    let done = false;
    void waiting.then(() => {
      done = true;
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(done).toBe(false);
    await waiting;
    now = 10_000;
    const again = Date.now();
    await limiter.take(500);
    expect(Date.now() - again).toBeLessThan(50);
  });

  it("does nothing when unlimited", async () => {
    const limiter = new RateLimiter(0);
    await expect(limiter.take(1e9)).resolves.toBeUndefined();
  });
});
