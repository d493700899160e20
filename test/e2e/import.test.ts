import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { ImportState } from "@ferry/api";
import {
  buildSourceTsdb,
  countSamplesPerSeries,
  type PrometheusServer,
  type SourceTsdb,
  startPrometheus,
} from "@ferry/local-prometheus";
import { type FerryStack, startFerryStack } from "../support/ferry-stack";
import { TenantRecorder } from "../support/tenant-recorder";
import { waitForImport } from "../support/wait-for-import";

const HOUR = 3600_000;
const STEP = 15_000;
// History ends well in the past, on a whole hour, so the sink's head never overlaps it.
const END = Math.floor(Date.now() / HOUR) * HOUR - 48 * HOUR;
const START = END - 6 * HOUR;

describe("import end to end (real Prometheus source and sink)", () => {
  let work: string;
  let sourceA: PrometheusServer<"source">;
  let sourceB: PrometheusServer<"source">;
  let historyA: SourceTsdb;
  let historyB: SourceTsdb;
  let sink: PrometheusServer<"sink">;
  let recorder: TenantRecorder;
  let stack: FerryStack;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "ferry-e2e-"));
    [historyA, historyB] = await Promise.all([
      buildSourceTsdb({
        dir: join(work, "a"),
        series: 60,
        startMs: START,
        endMs: END,
        stepMs: STEP,
        seed: 1,
        extraLabels: { source: "a" },
      }),
      buildSourceTsdb({
        dir: join(work, "b"),
        series: 40,
        startMs: START,
        endMs: END,
        stepMs: STEP,
        seed: 2,
        metrics: 3,
        extraLabels: { source: "b" },
      }),
    ]);
    [sourceA, sourceB, sink] = await Promise.all([
      startPrometheus({ dataDir: historyA.dir, role: "source" }),
      startPrometheus({ dataDir: historyB.dir, role: "source" }),
      startPrometheus({ dataDir: join(work, "sink"), role: "sink" }),
    ]);
    recorder = new TenantRecorder(sink.remoteWriteUrl);
    await recorder.start();
    stack = await startFerryStack({ remoteWriteUrl: recorder.url, queryUrl: sink.url });
    // Small windows: many checkpoints, and a stop can land mid-way.
    await stack.startAgent("prod-eu-1", {
      import: { initialWindowMs: 20 * 60_000, windowTargetBytes: 256 * 1024 },
    });
  }, 180_000);

  afterAll(async () => {
    await stack?.close();
    await recorder?.close();
    await Promise.all([sourceA?.stop(), sourceB?.stop(), sink?.stop()]);
    await rm(work, { recursive: true, force: true });
  });

  async function expectSinkHolds(history: SourceTsdb, selector: string) {
    const expected = new Map<string, number>();
    const source = history === historyA ? sourceA : sourceB;
    for (const [labels, n] of await countSamplesPerSeries(source.url, selector, START, END))
      expected.set(labels, n);
    const landed = await countSamplesPerSeries(sink.url, selector, START, END);
    expect(expected.size).toBe(history.series.length);
    expect([...expected.values()].reduce((a, b) => a + b, 0)).toBe(history.samples);
    expect(landed).toEqual(expected);
  }

  it("StopImport mid-way leaves a Canceled import with partial data and consistent counters", async () => {
    const { client } = stack;
    await client.addTarget({ clusterId: "prod-eu-1", name: "gamma", endpoint: sourceA.remoteReadUrl });
    recorder.delayMs = 300;
    const started = await client.startImport({
      clusterId: "prod-eu-1",
      target: "gamma",
      start: timestampFromMs(START),
      end: timestampFromMs(END),
    });
    expect(started.import?.state).toBeDefined();
    await waitForImport(client, "prod-eu-1", "gamma", (i) => Number(i.counters?.windowsDone ?? 0n) >= 1);
    const stopped = await client.stopImport({ clusterId: "prod-eu-1", target: "gamma" });
    recorder.delayMs = 0;
    expect(ImportState[stopped.import?.state ?? 0]).toBe("CANCELED");
    const final = await waitForImport(
      client,
      "prod-eu-1",
      "gamma",
      (i) => i.state === ImportState.CANCELED && i.message !== "",
    );
    const read = Number(final.counters?.samplesRead);
    const written = Number(final.counters?.samplesWritten);
    expect(written).toBeGreaterThan(0);
    expect(read).toBe(written + Number(final.counters?.samplesRejected));
    const status = await client.getImport({ clusterId: "prod-eu-1", target: "gamma" });
    expect(status.import?.percent).toBeLessThan(100);
    // Partial data: what was acknowledged is in the sink, the rest is not.
    const landed = await countSamplesPerSeries(sink.url, '{source="a"}', START, END);
    const total = [...landed.values()].reduce((x, y) => x + y, 0);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThan(historyA.samples);
  });
  it("imports two targets concurrently; each ends Completed with exactly the source's samples in the sink", async () => {
    const { client } = stack;
    await client.addTarget({ clusterId: "prod-eu-1", name: "alpha", endpoint: sourceA.remoteReadUrl });
    await client.addTarget({ clusterId: "prod-eu-1", name: "beta", endpoint: sourceB.remoteReadUrl });
    const range = { start: timestampFromMs(START), end: timestampFromMs(END) };
    await Promise.all([
      client.startImport({ clusterId: "prod-eu-1", target: "alpha", ...range }),
      client.startImport({ clusterId: "prod-eu-1", target: "beta", ...range }),
    ]);
    const [a, b] = await Promise.all([
      waitForImport(client, "prod-eu-1", "alpha"),
      waitForImport(client, "prod-eu-1", "beta"),
    ]);
    for (const [record, history] of [
      [a, historyA],
      [b, historyB],
    ] as const) {
      expect(ImportState[record.state]).toBe("COMPLETED");
      expect(Number(record.counters?.samplesRead)).toBe(history.samples);
      expect(Number(record.counters?.samplesWritten)).toBe(history.samples);
      expect(Number(record.counters?.samplesRejected)).toBe(0);
      expect(record.percent).toBe(100);
    }
    await expectSinkHolds(historyA, '{source="a"}');
    await expectSinkHolds(historyB, '{source="b"}');
    // The tenant came from the agent's cluster id, on every request.
    expect([...recorder.tenants.keys()]).toEqual(["prod-eu-1"]);

    // The gateway's /metrics tells the same story.
    const metrics = await (await fetch(stack.gateway.metricsUrl ?? "")).text();
    const value = (line: string) =>
      Number(
        metrics
          .split("\n")
          .find((l) => l.startsWith(line))
          ?.slice(line.length),
      );
    expect(value('ferry_import_samples{cluster="prod-eu-1",target="alpha",kind="written",reason=""} ')).toBe(
      historyA.samples,
    );
    expect(value('ferry_imports{state="completed"} ')).toBeGreaterThanOrEqual(2);
    expect(value("ferry_gateway_connected_agents ")).toBe(1);
    expect(value('ferry_gateway_push_samples_total{outcome="accepted"} ')).toBeGreaterThanOrEqual(
      historyA.samples + historyB.samples,
    );
    expect(metrics).toContain("process_resident_memory_bytes");
  });
});
