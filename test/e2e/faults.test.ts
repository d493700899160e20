import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { timestampFromMs, timestampMs } from "@bufbuild/protobuf/wkt";
import { type Import, ImportState } from "@ferry/api";
import {
  buildSourceTsdb,
  countSamplesPerSeries,
  freePort,
  type ManagedProcess,
  type PrometheusServer,
  type SourceTsdb,
  startPrometheus,
  startVictoriaMetrics,
  type VictoriaMetricsServer,
} from "@ferry/local-prometheus";
import { type GatewayProcess, spawnAgent, spawnGateway } from "../support/ferry-processes";
import { waitForImport } from "../support/wait-for-import";

const HOUR = 3600_000;
const END = Math.floor(Date.now() / HOUR) * HOUR - 96 * HOUR;
const START = END - 12 * HOUR;
// Slow enough (about 9 s an import) that a fault lands mid-way.
const RATE = 20_000;

// Real processes, real kill -9: each case ends with the sink holding exactly the source's samples.
describe("faults: kill -9 and outages mid-import", () => {
  let work: string;
  let history: SourceTsdb;
  let source: PrometheusServer<"source">;
  let sink: VictoriaMetricsServer;
  let sinkPort: number;
  let gatewayPort: number;
  let gateway: GatewayProcess;
  let agent: ManagedProcess;

  const startGateway = () =>
    spawnGateway({ port: gatewayPort, dataDir: join(work, "gateway"), remoteWriteUrl: sink.remoteWriteUrl });

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "ferry-faults-"));
    history = await buildSourceTsdb({
      dir: join(work, "source"),
      series: 60,
      startMs: START,
      endMs: END,
      stepMs: 15_000,
    });
    sinkPort = await freePort();
    gatewayPort = await freePort();
    [source, sink] = await Promise.all([
      startPrometheus({ dataDir: history.dir, role: "source" }),
      startVictoriaMetrics({ dataDir: join(work, "sink"), port: sinkPort }),
    ]);
    gateway = await startGateway();
    agent = await spawnAgent(gateway, "edge");
  }, 120_000);

  afterAll(async () => {
    await agent?.stop(2000);
    await gateway?.process.stop(2000);
    await Promise.all([source?.stop(), sink?.stop()]);
    await rm(work, { recursive: true, force: true });
  });

  async function startSlowImport(target: string, clusterId = "edge"): Promise<void> {
    await gateway.client.addTarget({ clusterId, name: target, endpoint: source.remoteReadUrl });
    await gateway.client.startImport({
      clusterId,
      target,
      start: timestampFromMs(START),
      end: timestampFromMs(END),
      rateLimit: RATE,
    });
    await waitForImport(gateway.client, clusterId, target, (i) => i.percent >= 15, 60_000);
  }

  async function expectExact(record: Import): Promise<void> {
    expect(ImportState[record.state]).toBe("COMPLETED");
    expect(Number(record.counters?.samplesRead)).toBe(history.samples);
    expect(Number(record.counters?.samplesWritten)).toBe(history.samples);
    await sink.flush();
    const expected = await countSamplesPerSeries(source.url, '{job="ferry-history"}', START, END);
    expect(await countSamplesPerSeries(sink.url, '{job="ferry-history"}', START, END)).toEqual(expected);
  }

  it("agent killed mid-import and restarted: the import resumes from its checkpoint", async () => {
    await startSlowImport("after-agent-kill");
    await agent.kill();
    const paused = await gateway.client.getImport({ clusterId: "edge", target: "after-agent-kill" });
    expect(ImportState[paused.import?.state ?? 0]).toBe("RUNNING");
    agent = await spawnAgent(gateway, "edge");
    await expectExact(await waitForImport(gateway.client, "edge", "after-agent-kill", undefined, 120_000));
  }, 180_000);

  it("gateway killed mid-import and restarted: the agent pauses, reconnects, and the import goes on", async () => {
    await startSlowImport("after-gateway-kill");
    await gateway.process.kill();
    await new Promise((r) => setTimeout(r, 2000));
    gateway = await startGateway();
    await expectExact(await waitForImport(gateway.client, "edge", "after-gateway-kill", undefined, 120_000));
  }, 180_000);

  it("sink stopped for 30 s and started again: writes wait and then go through", async () => {
    await startSlowImport("after-sink-outage");
    await sink.stop();
    await new Promise((r) => setTimeout(r, 30_000));
    const during = await gateway.client.getImport({ clusterId: "edge", target: "after-sink-outage" });
    expect(ImportState[during.import?.state ?? 0]).toBe("RUNNING");
    sink = await startVictoriaMetrics({ dataDir: join(work, "sink"), port: sinkPort });
    await expectExact(await waitForImport(gateway.client, "edge", "after-sink-outage", undefined, 120_000));
  }, 240_000);

  it("source stopped: the import fails after its read deadline with a clear message, and resumes when started again", async () => {
    const impatient = await spawnAgent(gateway, "edge-2", ["--read-deadline", "3s"]);
    try {
      await startSlowImport("after-source-outage", "edge-2");
      const sourcePort = source.port;
      await source.stop();
      const failed = await waitForImport(gateway.client, "edge-2", "after-source-outage", undefined, 60_000);
      expect(ImportState[failed.state]).toBe("FAILED");
      expect(failed.message).toMatch(/remote read from http:\/\/127\.0\.0\.1:\d+\/api\/v1\/read failed/);
      const checkpoint = timestampMs(failed.checkpoint ?? timestampFromMs(START));
      expect(checkpoint).toBeGreaterThan(START);
      expect(checkpoint).toBeLessThan(END);
      expect(Number(failed.counters?.samplesRead)).toBe(
        Number(failed.counters?.samplesWritten) + Number(failed.counters?.samplesRejected),
      );

      source = await startPrometheus({ dataDir: history.dir, role: "source", port: sourcePort });
      // The checkpointed prefix is in the sink, exactly.
      await sink.flush();
      const prefixExpected = await countSamplesPerSeries(
        source.url,
        '{job="ferry-history"}',
        START,
        checkpoint - 1,
      );
      expect(await countSamplesPerSeries(sink.url, '{job="ferry-history"}', START, checkpoint - 1)).toEqual(
        prefixExpected,
      );

      // Started again (same range, no --force): it resumes from the checkpoint.
      const resumed = await gateway.client.startImport({
        clusterId: "edge-2",
        target: "after-source-outage",
        start: timestampFromMs(START),
        end: timestampFromMs(END),
      });
      expect(resumed.import?.id).toBe(failed.id);
      await expectExact(
        await waitForImport(gateway.client, "edge-2", "after-source-outage", undefined, 120_000),
      );
    } finally {
      await impatient.stop(2000);
    }
  }, 240_000);
});
