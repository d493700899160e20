import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { ImportState } from "@ferry/api";
import {
  buildSourceTsdb,
  countSamplesPerSeries,
  type EtcdServer,
  freePort,
  type ManagedProcess,
  type PrometheusServer,
  type SourceTsdb,
  startEtcd,
  startPrometheus,
  startVictoriaMetrics,
  type VictoriaMetricsServer,
} from "@ferry/local-prometheus";
import { type GatewayProcess, spawnAgent, spawnGateway, waitUntilServing } from "../support/ferry-processes";
import { waitForImport } from "../support/wait-for-import";

const HOUR = 3600_000;
const END = Math.floor(Date.now() / HOUR) * HOUR - 120 * HOUR;
const START = END - 12 * HOUR;

// Two gateways on one etcd: the leader serves, the standby takes over after kill -9.
describe("gateway failover with the etcd store", () => {
  let work: string;
  let history: SourceTsdb;
  let etcd: EtcdServer;
  let source: PrometheusServer<"source">;
  let sink: VictoriaMetricsServer;
  let leader: GatewayProcess;
  let standby: GatewayProcess;
  let agent: ManagedProcess;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "ferry-failover-"));
    history = await buildSourceTsdb({
      dir: join(work, "source"),
      series: 40,
      startMs: START,
      endMs: END,
      stepMs: 15_000,
    });
    [etcd, source, sink] = await Promise.all([
      startEtcd({ dataDir: join(work, "etcd") }),
      startPrometheus({ dataDir: history.dir, role: "source" }),
      startVictoriaMetrics({ dataDir: join(work, "sink") }),
    ]);
    const common = {
      remoteWriteUrl: sink.remoteWriteUrl,
      extraArgs: ["--store", "etcd", "--etcd-endpoints", etcd.endpoint],
    };
    leader = await spawnGateway({ port: await freePort(), ...common });
    standby = await spawnGateway({ port: await freePort(), ...common, waitReady: false });
    agent = await spawnAgent(leader, "edge", [], [leader.url, standby.url]);
  }, 120_000);

  afterAll(async () => {
    await agent?.stop(2000);
    await Promise.all([leader?.process.stop(2000), standby?.process.stop(2000)]);
    await Promise.all([etcd?.stop(), source?.stop(), sink?.stop()]);
    await rm(work, { recursive: true, force: true });
  });

  it("takes over within 15 s of the leader's death, and the import completes exactly", async () => {
    await expect(standby.client.listClusters({})).rejects.toThrow();
    await leader.client.addTarget({ clusterId: "edge", name: "prom", endpoint: source.remoteReadUrl });
    await leader.client.startImport({
      clusterId: "edge",
      target: "prom",
      start: timestampFromMs(START),
      end: timestampFromMs(END),
      rateLimit: 15_000,
    });
    await waitForImport(leader.client, "edge", "prom", (i) => i.percent >= 15, 60_000);

    await leader.process.kill();
    const killedAt = Date.now();
    await waitUntilServing(standby, 20_000);
    expect(Date.now() - killedAt).toBeLessThan(15_000);

    // The new leader has the state from etcd: the target and the running import.
    const { targets } = await standby.client.listTargets({});
    expect(targets.map((t) => t.name)).toEqual(["prom"]);
    const done = await waitForImport(standby.client, "edge", "prom", undefined, 120_000);
    expect(ImportState[done.state]).toBe("COMPLETED");
    expect(Number(done.counters?.samplesWritten)).toBe(history.samples);
    await sink.flush();
    const expected = await countSamplesPerSeries(source.url, '{job="ferry-history"}', START, END);
    expect(await countSamplesPerSeries(sink.url, '{job="ferry-history"}', START, END)).toEqual(expected);
  }, 180_000);
});
