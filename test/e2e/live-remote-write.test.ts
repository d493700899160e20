import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { instantQuery, type PrometheusServer, startPrometheus } from "@ferry/local-prometheus";
import { type FerryStack, startFerryStack } from "../support/ferry-stack";
import { TenantRecorder } from "../support/tenant-recorder";

async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`not there after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe("live remote_write through the agent", () => {
  let work: string;
  let sink: PrometheusServer<"sink">;
  let cluster: PrometheusServer<"source">;
  let recorder: TenantRecorder;
  let stack: FerryStack;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "ferry-live-"));
    sink = await startPrometheus({ dataDir: join(work, "sink"), role: "sink" });
    recorder = new TenantRecorder(sink.remoteWriteUrl);
    await recorder.start();
    stack = await startFerryStack({ remoteWriteUrl: recorder.url });
    const agent = await stack.startAgent("staging-2", { remoteWriteListen: "127.0.0.1:0" });
    // The cluster's own Prometheus scrapes itself every second and remote_writes to the agent.
    cluster = await startPrometheus({
      dataDir: join(work, "cluster"),
      role: "source",
      scrapeSelf: true,
      scrapeInterval: "1s",
      remoteWrite: [{ url: agent.remoteWriteUrl ?? "" }],
    });
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
    await stack?.close();
    await recorder?.close();
    await sink?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it("reaches the sink, under the cluster's tenant", async () => {
    const instance = `127.0.0.1:${cluster.port}`;
    const found = await eventually(async () => {
      const series = await instantQuery(sink.url, `up{job="prometheus",instance="${instance}"}`);
      return series.length > 0 ? series : undefined;
    }, 60_000);
    expect(found[0]?.sample.value).toBe(1);
    expect([...recorder.tenants.keys()]).toEqual(["staging-2"]);
  });
});
