import { type TimeWindow, WindowPlanner } from "./window-planner";

const options = { targetBytes: 1000, initialMs: 100, minMs: 10, maxMs: 10_000 };

function drain(planner: WindowPlanner, bytesPerMs: number): TimeWindow[] {
  const windows: TimeWindow[] = [];
  for (let w = planner.next(); w; w = planner.next()) {
    windows.push(w);
    planner.observe(w, (w.endMs - w.startMs + 1) * bytesPerMs);
  }
  return windows;
}

describe("WindowPlanner", () => {
  it("covers the range exactly, with no gap and no overlap", () => {
    const windows = drain(new WindowPlanner(1000, 5999, options), 3);
    expect(windows[0]?.startMs).toBe(1000);
    expect(windows.at(-1)?.endMs).toBe(5999);
    for (let i = 1; i < windows.length; i++)
      expect(windows[i]?.startMs).toBe((windows[i - 1]?.endMs ?? 0) + 1);
  });

  it("grows windows over sparse data and shrinks them over dense data, a factor of two at most", () => {
    const sparse = drain(new WindowPlanner(0, 100_000, options), 0.01);
    expect(sparse.map((w) => w.endMs - w.startMs + 1).slice(0, 4)).toEqual([100, 200, 400, 800]);
    const dense = drain(new WindowPlanner(0, 1000, options), 100);
    expect(dense.map((w) => w.endMs - w.startMs + 1).slice(0, 4)).toEqual([100, 50, 25, 13]);
  });

  it("settles near the byte target", () => {
    const windows = drain(new WindowPlanner(0, 1_000_000, options), 2);
    const last = windows.at(-2);
    expect(last && last.endMs - last.startMs + 1).toBe(500);
  });

  it("tells the duration that would meet the byte target, beyond the factor of two", () => {
    const planner = new WindowPlanner(0, 100_000, options);
    expect(planner.idealDurationMs).toBeUndefined();
    const first = planner.next();
    if (!first) throw new Error("no window");
    // 100 ms weighing 10 bytes: 10 000 ms would weigh the 1000-byte target; the next is 200 ms.
    planner.observe(first, 10);
    expect(planner.idealDurationMs).toBe(10_000);
    expect(planner.next()).toEqual({ startMs: 100, endMs: 299 });
    planner.observe({ startMs: 100, endMs: 299 }, 100);
    expect(planner.idealDurationMs).toBe(2000);
    // An empty response leaves it where the last one with bytes put it.
    planner.observe({ startMs: 300, endMs: 699 }, 0);
    expect(planner.idealDurationMs).toBe(2000);
    planner.observe({ startMs: 700, endMs: 1499 }, 1);
    expect(planner.idealDurationMs).toBe(10_000);
  });
});
