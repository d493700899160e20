import { ImportState } from "@ferry/api";
import type { WriteSeries } from "@ferry/prompb";
import pino from "pino";
import { type AcrossRuns, DEFAULT_IMPORT_RUN, ImportRun } from "./import-run";
import { SourceConnections } from "./source-connections";
import { acceptingPush } from "./testing/accepting-push";
import {
  importCommand,
  openConnections,
  type SamplesSource,
  startSamplesSource,
} from "./testing/samples-source";
import { WindowMemory } from "./window-memory";

const HOUR = 3600_000;
const STEP = 15_000;
const START = 50 * HOUR;
const END = START + 6 * HOUR - 1;

const SOURCE: WriteSeries[] = ["a", "b", "c"].map((job) => {
  const samples = [];
  for (let t = START; t <= END; t += STEP) samples.push({ timestampMs: t, value: t / STEP });
  return {
    labels: [
      ["__name__", "up"],
      ["job", job],
    ] as [string, string][],
    samples,
  };
});
const SOURCE_SAMPLES = SOURCE.reduce((n, s) => n + s.samples.length, 0);

/** Imports all of `source` with the defaults and `across`, and checks every sample was written. */
async function importWhole(source: SamplesSource, across: AcrossRuns): Promise<void> {
  const push = acceptingPush();
  const run = new ImportRun(
    importCommand(source, START, END),
    push.client,
    pino({ level: "silent" }),
    () => undefined,
    DEFAULT_IMPORT_RUN,
    undefined,
    across,
  );
  await run.run();
  expect(run.state).toBe(ImportState.COMPLETED);
  expect(push.samples()).toBe(SOURCE_SAMPLES);
}

describe("ImportRun", () => {
  let source: SamplesSource;
  beforeEach(async () => {
    source = await startSamplesSource(SOURCE);
  });
  afterEach(async () => {
    await source.close();
  });

  it("reads every window, writes every sample, and leaves no connection to the source open", async () => {
    const push = acceptingPush();
    const changes: boolean[] = [];
    const run = new ImportRun(
      importCommand(source, START, END),
      push.client,
      pino({ level: "silent" }),
      (_run, stateChanged) => changes.push(stateChanged),
      // Small windows: several reads, some of them prefetched while the previous window is written.
      { ...DEFAULT_IMPORT_RUN, planner: { ...DEFAULT_IMPORT_RUN.planner, initialMs: HOUR, maxMs: HOUR } },
    );
    await run.run();

    expect(run.state).toBe(ImportState.COMPLETED);
    expect(run.counters.samplesRead).toBe(SOURCE_SAMPLES);
    expect(run.counters.samplesWritten).toBe(SOURCE_SAMPLES);
    expect(push.samples()).toBe(SOURCE_SAMPLES);
    expect(source.reads.length).toBe(6);
    // Once per committed window, then the final state once.
    expect(changes).toEqual([false, false, false, false, false, false, true]);
    // Back-to-back imports used to leave each its pooled connections for 30 s, until the source
    // refused more (Prometheus serves at most 512).
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await openConnections(source.server)).toBe(0);
  });

  it("reuses one connection to the source for back-to-back imports that share SourceConnections", async () => {
    let opened = 0;
    source.server.on("connection", () => opened++);
    const connections = new SourceConnections();
    for (let i = 0; i < 3; i++) await importWhole(source, { connections });
    expect(source.reads.length).toBeGreaterThanOrEqual(3);
    expect(opened).toBe(1);
    // The agent shutting down closes what the imports left pooled.
    connections.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await openConnections(source.server)).toBe(0);
  });

  it("starts a second import of the same source at the window its first one grew to", async () => {
    const memory = new WindowMemory();
    const importOnce = async () => {
      const readsBefore = source.reads.length;
      await importWhole(source, { windowMemory: memory });
      return source.reads.length - readsBefore;
    };
    // 30 min, 1 h, 2 h, then the last 2.5 h; then 2 h (four first windows at most) and 4 h.
    expect(await importOnce()).toBe(4);
    expect(await importOnce()).toBe(2);
  });
});
