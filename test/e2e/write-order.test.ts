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
  startVictoriaMetrics,
  type VictoriaMetricsServer,
} from "@ferry/local-prometheus";
import { type FerryStack, startFerryStack } from "../support/ferry-stack";
import { OrderCheckingSink } from "../support/order-checking-sink";
import { waitForImport } from "../support/wait-for-import";

const HOUR = 3600_000;
const END = Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR;
const START = END - 12 * HOUR;

// Few series, small batches and many small windows: the last pushes of a window and the first of
// the next carry the same series, and are in flight together. A sink that takes requests in any
// order (random delays) must still see every series' samples in timestamp order.
describe("write order across batches and windows", () => {
  let work: string;
  let history: SourceTsdb;
  let source: PrometheusServer<"source">;
  let sink: VictoriaMetricsServer;
  let checker: OrderCheckingSink;
  let stack: FerryStack;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "ferry-order-"));
    history = await buildSourceTsdb({
      dir: join(work, "source"),
      series: 6,
      startMs: START,
      endMs: END,
      stepMs: 15_000,
    });
    [source, sink] = await Promise.all([
      startPrometheus({ dataDir: history.dir, role: "source" }),
      startVictoriaMetrics({ dataDir: join(work, "sink") }),
    ]);
    checker = new OrderCheckingSink(sink.remoteWriteUrl);
    await checker.start();
    stack = await startFerryStack({ remoteWriteUrl: checker.url, queryUrl: sink.url });
    await stack.startAgent("order", {
      import: { batchSamples: 250, windowTargetBytes: 4096, initialWindowMs: 20 * 60_000 },
    });
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
    await checker?.close();
    await Promise.all([source?.stop(), sink?.stop()]);
    await rm(work, { recursive: true, force: true });
  });

  it("delivers every series in timestamp order, every sample once", async () => {
    const { client } = stack;
    await client.addTarget({ clusterId: "order", name: "prometheus", endpoint: source.remoteReadUrl });
    await client.startImport({
      clusterId: "order",
      target: "prometheus",
      start: timestampFromMs(START),
      end: timestampFromMs(END),
    });
    const done = await waitForImport(client, "order", "prometheus", undefined, 120_000);
    expect(ImportState[done.state]).toBe("COMPLETED");
    // Many windows and many requests, or this would prove nothing.
    expect(Number(done.counters?.windowsDone)).toBeGreaterThan(10);
    expect(checker.samples).toBe(history.samples);
    expect(checker.outOfOrder).toBe(0);
    expect(Number(done.counters?.samplesWritten)).toBe(history.samples);

    await sink.flush();
    const expected = await countSamplesPerSeries(source.url, '{job="ferry-history"}', START, END);
    expect(await countSamplesPerSeries(sink.url, '{job="ferry-history"}', START, END)).toEqual(expected);
  });
});
