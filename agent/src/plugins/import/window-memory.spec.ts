import { WindowMemory } from "./window-memory";
import { DEFAULT_WINDOW_PLANNER, WindowPlanner } from "./window-planner";

const options = { targetBytes: 1000, initialMs: 100, minMs: 10, maxMs: 10_000 };

describe("WindowMemory", () => {
  it("starts an unknown source at the planner's first window", () => {
    expect(new WindowMemory().initialMs("a", options)).toBe(100);
  });

  it("starts a known source where its last import left off, within four first windows", () => {
    const memory = new WindowMemory();
    memory.remember("sparse", 250);
    memory.remember("very sparse", 5000);
    memory.remember("dense", 3);
    expect(memory.initialMs("sparse", options)).toBe(250);
    expect(memory.initialMs("very sparse", options)).toBe(400);
    expect(memory.initialMs("dense", options)).toBe(10);
    expect(memory.initialMs("other", options)).toBe(100);
  });

  it("forgets the least recently used source beyond its size", () => {
    const memory = new WindowMemory(2);
    memory.remember("a", 200);
    memory.remember("b", 200);
    memory.remember("a", 300);
    memory.remember("c", 200);
    expect(memory.initialMs("a", options)).toBe(300);
    expect(memory.initialMs("b", options)).toBe(100);
    expect(memory.initialMs("c", options)).toBe(200);
  });

  it("reads an hour of a sparse source in one window the second time", () => {
    const memory = new WindowMemory();
    expect(windowsOf(memory, HOUR)).toBe(2);
    expect(windowsOf(memory, HOUR)).toBe(1);
  });

  it("remembers the density, not the last window: a minute's import does not shrink the next", () => {
    const memory = new WindowMemory();
    expect(windowsOf(memory, 60_000)).toBe(1);
    expect(memory.initialMs("s", DEFAULT_WINDOW_PLANNER)).toBe(2 * HOUR);
    expect(windowsOf(memory, HOUR)).toBe(1);
  });

  it("starts a dense source below the planner's first window", () => {
    const memory = new WindowMemory();
    // 100 times as dense: 80 MB per 30 minutes, five times the byte target.
    windowsOf(memory, 60_000, 100);
    expect(memory.initialMs("s", DEFAULT_WINDOW_PLANNER)).toBeLessThan(30 * 60_000);
  });
});

const HOUR = 3600_000;

/**
 * Imports [0, rangeMs) of source "s" as ImportRun does with a WindowMemory: the planner starts
 * where the memory says and each window's ideal duration is remembered. Returns the windows read.
 * The source holds 1000 series at 15 s (about 800 KB of streamed chunks per 30 minutes) `density` times over.
 */
function windowsOf(memory: WindowMemory, rangeMs: number, density = 1): number {
  const planner = new WindowPlanner(0, rangeMs - 1, {
    ...DEFAULT_WINDOW_PLANNER,
    initialMs: memory.initialMs("s", DEFAULT_WINDOW_PLANNER),
  });
  let windows = 0;
  for (let w = planner.next(); w; w = planner.next()) {
    windows++;
    planner.observe(w, ((w.endMs - w.startMs + 1) / 1800_000) * 800_000 * density);
    const ideal = planner.idealDurationMs;
    if (ideal !== undefined) memory.remember("s", ideal);
  }
  return windows;
}
