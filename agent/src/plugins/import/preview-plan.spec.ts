import { placeProbes, planWindows } from "./preview-plan";
import { type TimeWindow, WindowPlanner } from "./window-planner";

const options = { targetBytes: 1000, initialMs: 100, minMs: 10, maxMs: 10_000 };

/** What an import's planner does when every window weighs bytesPerMs. */
function importWindows(from: number, to: number, bytesPerMs: number): TimeWindow[] {
  const planner = new WindowPlanner(from, to, options);
  const windows: TimeWindow[] = [];
  for (let w = planner.next(); w; w = planner.next()) {
    windows.push(w);
    planner.observe(w, (w.endMs - w.startMs + 1) * bytesPerMs);
  }
  return windows;
}

describe("placeProbes", () => {
  it("spreads the probes evenly, the first at the start and the last at the end", () => {
    const probes = placeProbes(1000, 100_999, 100, 5);
    expect(probes.map((p) => p.startMs)).toEqual([1000, 25_975, 50_950, 75_925, 100_900]);
    expect(probes.every((p) => p.endMs - p.startMs + 1 === 100)).toBe(true);
    expect(probes.at(-1)?.endMs).toBe(100_999);
  });

  it("reads a short range whole, in consecutive probes", () => {
    expect(placeProbes(0, 249, 100, 5)).toEqual([
      { startMs: 0, endMs: 99 },
      { startMs: 100, endMs: 199 },
      { startMs: 200, endMs: 249 },
    ]);
    expect(placeProbes(0, 499, 100, 5)).toHaveLength(5);
  });
});

describe("planWindows", () => {
  it.each([0.01, 2, 7, 100])("plans the windows the import would read at %d bytes/ms", (bytesPerMs) => {
    const expected = importWindows(5000, 100_000, bytesPerMs);
    const plan = planWindows(5000, 100_000, bytesPerMs, options, 1_000_000);
    expect(plan.listed).toEqual(expected);
    expect(plan.total).toBe(expected.length);
  });

  it("lists the first windows and counts the rest without walking them", () => {
    const expected = importWindows(0, 10_000_000, 2);
    const plan = planWindows(0, 10_000_000, 2, options, 50);
    expect(plan.listed).toEqual(expected.slice(0, 50));
    expect(plan.total).toBe(expected.length);
    expect(plan.total).toBeGreaterThan(10_000);
  });
});
