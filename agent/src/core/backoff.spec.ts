import { Backoff, sleep } from "./backoff";

describe("Backoff", () => {
  it("grows by the multiplier up to the cap, with jitter around each step", () => {
    const b = new Backoff({ initialMs: 1000, multiplier: 1.6, maxMs: 3000, jitter: 0.2 }, () => 0.5);
    expect([b.next(), b.next(), b.next(), b.next()]).toEqual([1000, 1600, 2560, 3000]);
    b.reset();
    expect(b.next()).toBe(1000);
  });

  it("keeps the jitter within its bounds", () => {
    const low = new Backoff({ initialMs: 1000, multiplier: 2, maxMs: 10_000, jitter: 0.2 }, () => 0);
    const high = new Backoff({ initialMs: 1000, multiplier: 2, maxMs: 10_000, jitter: 0.2 }, () => 1);
    expect(low.next()).toBe(800);
    expect(high.next()).toBe(1200);
  });

  it("sleep rejects at once when aborted", async () => {
    const controller = new AbortController();
    const slept = sleep(60_000, controller.signal);
    controller.abort(new Error("stop"));
    await expect(slept).rejects.toThrow("stop");
  });
});
