import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { canonicalLabels } from "./canonical-labels";
import { historyValue, stepCount, writeOpenMetricsHistory } from "./history";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ferry-history-spec-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const START = 1_700_000_000_005;

describe("writeOpenMetricsHistory", () => {
  it("writes grouped families, ascending timestamps in seconds, the generated values and # EOF", async () => {
    const file = join(dir, "small.om");
    const h = await writeOpenMetricsHistory(file, {
      series: 7,
      startMs: START,
      endMs: START + 100_000,
      stepMs: 10_000,
      metrics: 3,
    });
    const text = await readFile(file, "utf8");
    expect(h.samples).toBe(7 * 10);
    expect(h.bytes).toBe(Buffer.byteLength(text));
    expect(text.endsWith("\n# EOF\n")).toBe(true);

    const lines = text.trimEnd().split("\n");
    const types = lines.filter((l) => l.startsWith("# TYPE "));
    expect(types).toEqual([
      "# TYPE ferry_history_requests_0 counter",
      "# TYPE ferry_history_level_1 gauge",
      "# TYPE ferry_history_requests_2 counter",
    ]);
    const seen = new Map<string, { t: number; v: number }[]>();
    let family = "";
    const familiesDone = new Set<string>();
    for (const line of lines) {
      if (line.startsWith("# TYPE ")) {
        familiesDone.add(family);
        family = line.split(" ")[2]!;
        expect(familiesDone.has(family)).toBe(false);
        continue;
      }
      if (line === "# EOF") continue;
      const m = /^(\w+)(\{[^}]*\}) (\S+) (\d+\.\d{3})$/.exec(line);
      expect(m).not.toBeNull();
      expect(m![1]!.startsWith(family)).toBe(true);
      const key = m![1]! + m![2]!;
      const list = seen.get(key) ?? [];
      list.push({ t: Math.round(Number(m![4]) * 1000), v: Number(m![3]) });
      seen.set(key, list);
    }
    expect(seen.size).toBe(7);
    for (const s of h.series) {
      const points = seen.get(canonicalLabels(s.labels));
      expect(points?.map((p) => p.t)).toEqual(Array.from({ length: 10 }, (_, k) => START + k * 10_000));
      expect(points?.map((p) => p.v)).toEqual(Array.from({ length: 10 }, (_, k) => historyValue(s, k)));
      expect(s.firstMs).toBe(START);
      expect(s.lastMs).toBe(START + 90_000);
    }
  });

  it("makes counters strictly increasing and is deterministic per seed", async () => {
    const a = await writeOpenMetricsHistory(join(dir, "a.om"), {
      series: 4,
      startMs: 0,
      endMs: 1_000,
      stepMs: 1,
    });
    const counter = a.series.find((s) => s.kind === "counter")!;
    for (let k = 1; k < counter.samples; k++) {
      expect(historyValue(counter, k)).toBeGreaterThan(historyValue(counter, k - 1));
    }
    await writeOpenMetricsHistory(join(dir, "b.om"), { series: 4, startMs: 0, endMs: 1_000, stepMs: 1 });
    await writeOpenMetricsHistory(join(dir, "c.om"), {
      series: 4,
      startMs: 0,
      endMs: 1_000,
      stepMs: 1,
      seed: 2,
    });
    const [fa, fb, fc] = await Promise.all(
      ["a", "b", "c"].map((n) => readFile(join(dir, `${n}.om`), "utf8")),
    );
    expect(fa).toBe(fb);
    expect(fa).not.toBe(fc);
  });

  it("rejects options it cannot honour", async () => {
    const file = join(dir, "bad.om");
    await expect(
      writeOpenMetricsHistory(file, { series: 1, startMs: 0, endMs: 10, stepMs: 0 }),
    ).rejects.toThrow(/stepMs/);
    await expect(
      writeOpenMetricsHistory(file, { series: 1.5, startMs: 0, endMs: 10, stepMs: 1 }),
    ).rejects.toThrow(/series/);
  });
});

describe("stepCount", () => {
  it("counts samples in the half-open [start, end)", () => {
    expect(stepCount(0, 86_400_000, 15_000)).toBe(5_760);
    expect(stepCount(0, 1, 15_000)).toBe(1);
    expect(stepCount(0, 15_001, 15_000)).toBe(2);
    expect(stepCount(10, 10, 1)).toBe(0);
  });
});
