import { Code, ConnectError } from "@connectrpc/connect";
import { PushLimiter } from "./push-limiter";

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("PushLimiter", () => {
  it("admits everything when off", () => {
    const limiter = new PushLimiter({ bytesPerSecond: 0 });
    expect(limiter.enabled).toBe(false);
    for (let i = 0; i < 100; i++) expect(limiter.take("a", 1 << 30)).toBe(0);
  });

  it("admits a burst, then asks to wait as long as the debt takes to repay", () => {
    const c = clock();
    const limiter = new PushLimiter({ bytesPerSecond: 1000, now: c.now });
    expect(limiter.take("a", 600)).toBe(0);
    expect(limiter.take("a", 600)).toBe(0); // into debt by 200 bytes
    expect(limiter.take("a", 1)).toBe(200);
    c.advance(199);
    expect(limiter.take("a", 1)).toBe(1);
    c.advance(1);
    expect(limiter.take("a", 1)).toBe(0);
  });

  it("lets a payload larger than the burst through, and holds the average at the rate", () => {
    const c = clock();
    const limiter = new PushLimiter({ bytesPerSecond: 1000, now: c.now });
    let sent = 0;
    for (let step = 0; step < 10_000; step++) {
      if (limiter.take("a", 5000) === 0) sent += 5000;
      c.advance(1);
    }
    // 10 s at 1000 B/s, plus the first burst and one payload of debt.
    expect(sent).toBeGreaterThanOrEqual(10_000);
    expect(sent).toBeLessThanOrEqual(10_000 + 1000 + 5000);
  });

  it("keeps one bucket per cluster", () => {
    const c = clock();
    const limiter = new PushLimiter({ bytesPerSecond: 100, now: c.now });
    expect(limiter.take("a", 1000)).toBe(0);
    expect(limiter.take("a", 1)).toBeGreaterThan(0);
    expect(limiter.take("b", 1)).toBe(0);
  });

  it("refuses with ResourceExhausted and retry-after-ms", () => {
    const c = clock();
    const limiter = new PushLimiter({ bytesPerSecond: 1000, now: c.now });
    limiter.admit("edge-1", 3000);
    let error: ConnectError | undefined;
    try {
      limiter.admit("edge-1", 10);
    } catch (e) {
      error = ConnectError.from(e);
    }
    expect(error && Code[error.code]).toBe("ResourceExhausted");
    expect(error?.metadata.get("retry-after-ms")).toBe("2000");
    expect(error?.rawMessage).toMatch(/cluster "edge-1" .* limit of 1000 bytes\/s/);
  });

  it("rejects a bad rate up front", () => {
    expect(() => new PushLimiter({ bytesPerSecond: -1 })).toThrow(RangeError);
    expect(() => new PushLimiter({ bytesPerSecond: Number.NaN })).toThrow(RangeError);
  });
});
