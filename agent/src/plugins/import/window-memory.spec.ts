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
    const hour = 3600_000;
    const windowsOf = () => {
      const planner = new WindowPlanner(0, hour - 1, {
        ...DEFAULT_WINDOW_PLANNER,
        initialMs: memory.initialMs("s", DEFAULT_WINDOW_PLANNER),
      });
      let windows = 0;
      for (let w = planner.next(); w; w = planner.next()) {
        windows++;
        // 1000 series at 15 s: about 800 KB of streamed chunks per 30 minutes.
        planner.observe(w, ((w.endMs - w.startMs + 1) / 1800_000) * 800_000);
        memory.remember("s", planner.nextDurationMs);
      }
      return windows;
    };
    expect(windowsOf()).toBe(2);
    expect(windowsOf()).toBe(1);
  });
});
