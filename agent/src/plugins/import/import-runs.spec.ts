import { type Any, anyUnpack } from "@bufbuild/protobuf/wkt";
import { ImportProgressSchema, ImportState } from "@ferry/api";
import type { WriteSeries } from "@ferry/prompb";
import pino from "pino";
import { ImportRuns } from "./import-runs";
import { acceptingPush } from "./testing/accepting-push";
import { importCommand, type SamplesSource, startSamplesSource } from "./testing/samples-source";

const START = 10 * 3600_000;
const END = START + 3600_000 - 1;
const SERIES: WriteSeries[] = [
  {
    labels: [["__name__", "up"]],
    samples: Array.from({ length: 240 }, (_, i) => ({ timestampMs: START + i * 15_000, value: i })),
  },
];

const command = (source: SamplesSource) => importCommand(source, START, END);

const stateOf = (body: Any) => anyUnpack(body, ImportProgressSchema)?.state;

/** Resolves once `events` holds a final state; ImportRuns has no completion hook of its own. */
async function untilFinal(events: Any[]): Promise<void> {
  while (!events.some((e) => stateOf(e) === ImportState.COMPLETED))
    await new Promise((resolve) => setTimeout(resolve, 5));
  // A second final report would follow in the same turn as the first.
  await new Promise((resolve) => setTimeout(resolve, 20));
}

describe("ImportRuns", () => {
  let source: SamplesSource;
  beforeEach(async () => {
    source = await startSamplesSource(SERIES);
  });
  afterEach(() => source.close());

  it("reports the final state once, and keeps nothing for the next hello once it was sent", async () => {
    const events: Any[] = [];
    const runs = new ImportRuns(
      acceptingPush().client,
      (body) => events.push(body) > 0,
      pino({ level: "silent" }),
    );
    runs.start(command(source));
    await untilFinal(events);

    // Each final report costs the gateway a durable write of the import.
    expect(events.filter((e) => stateOf(e) === ImportState.COMPLETED)).toHaveLength(1);
    expect(stateOf(events[0] as Any)).toBe(ImportState.RUNNING);
    expect(runs.reports()).toEqual([]);
  });

  it("keeps a final state the link could not take for the next hello", async () => {
    const events: Any[] = [];
    let linkUp = true;
    const runs = new ImportRuns(
      acceptingPush().client,
      (body) => {
        events.push(body);
        // The link drops as the run ends: its final state does not reach the gateway.
        if (stateOf(body) === ImportState.COMPLETED) linkUp = false;
        return linkUp;
      },
      pino({ level: "silent" }),
    );
    runs.start(command(source));
    await untilFinal(events);

    const reports = runs.reports().map((r) => anyUnpack(r, ImportProgressSchema));
    expect(reports.map((r) => r?.state)).toEqual([ImportState.COMPLETED]);
    expect(reports[0]?.counters?.samplesWritten).toBe(240n);
    // Handed over once: the next hello does not carry it again.
    expect(runs.reports()).toEqual([]);
  });
});
