import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { type Import, ImportState, RejectPolicy, RejectReason } from "@ferry/api";
import {
  buildSourceTsdb,
  countSamplesPerSeries,
  instantQuery,
  type PrometheusServer,
  type SourceTsdb,
  startPrometheus,
} from "@ferry/local-prometheus";
import { type FerryStack, startFerryStack } from "../support/ferry-stack";
import { waitForImport } from "../support/wait-for-import";

const HOUR = 3600_000;
const END = Math.floor(Date.now() / HOUR) * HOUR - 72 * HOUR;
const START = END - 2 * HOUR;
const range = { start: timestampFromMs(START), end: timestampFromMs(END) };

function rejected(record: Import, reason: RejectReason): number {
  return Number(record.counters?.rejected.find((r) => r.reason === reason)?.samples ?? 0n);
}

function expectBalanced(record: Import) {
  const c = record.counters;
  expect(Number(c?.samplesRead)).toBe(Number(c?.samplesWritten) + Number(c?.samplesRejected));
}

describe("import options against real servers", () => {
  let work: string;
  let history: SourceTsdb;
  let source: PrometheusServer<"source">;
  let strictSink: PrometheusServer<"sink">;
  let sink: PrometheusServer<"sink">;
  let strict: FerryStack;
  let stack: FerryStack;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "ferry-options-"));
    history = await buildSourceTsdb({
      dir: join(work, "source"),
      series: 20,
      startMs: START,
      endMs: END,
      stepMs: 15_000,
    });
    [source, strictSink, sink] = await Promise.all([
      startPrometheus({ dataDir: history.dir, role: "source" }),
      // No out-of-order window and a head at "now": old samples are out of bounds.
      startPrometheus({
        dataDir: join(work, "strict"),
        role: "sink",
        outOfOrderWindow: "0s",
        scrapeSelf: true,
        scrapeInterval: "1s",
      }),
      startPrometheus({ dataDir: join(work, "sink"), role: "sink" }),
    ]);
    await waitForUp(strictSink);
    [strict, stack] = await Promise.all([
      startFerryStack({ remoteWriteUrl: strictSink.remoteWriteUrl }),
      startFerryStack({ remoteWriteUrl: sink.remoteWriteUrl }),
    ]);
    await Promise.all([strict.startAgent("c1"), stack.startAgent("c1")]);
    for (const s of [strict, stack]) {
      await s.client.addTarget({ clusterId: "c1", name: "src", endpoint: source.remoteReadUrl });
    }
  }, 180_000);

  afterAll(async () => {
    await Promise.all([strict?.close(), stack?.close()]);
    await Promise.all([source?.stop(), strictSink?.stop(), sink?.stop()]);
    await rm(work, { recursive: true, force: true });
  });

  it("fails on the first rejection by default, explaining the out-of-order window, with counters that add up", async () => {
    await strict.client.startImport({ clusterId: "c1", target: "src", ...range });
    const record = await waitForImport(strict.client, "c1", "src");
    expect(ImportState[record.state]).toBe("FAILED");
    expect(record.message).toMatch(/rejected \d+ samples \(out_of_bounds, HTTP 400/);
    expect(record.message).toMatch(/out_of_order_time_window/);
    expect(record.message).toMatch(/--on-reject count/);
    expect(rejected(record, RejectReason.OUT_OF_BOUNDS)).toBeGreaterThan(0);
    expectBalanced(record);
  });

  it("with --on-reject count goes to the end and counts every refused sample by reason", async () => {
    await strict.client.startImport({
      clusterId: "c1",
      target: "src",
      ...range,
      onReject: RejectPolicy.COUNT,
      force: true,
    });
    const record = await waitForImport(strict.client, "c1", "src");
    expect(ImportState[record.state]).toBe("COMPLETED");
    expect(Number(record.counters?.samplesRead)).toBe(history.samples);
    expect(rejected(record, RejectReason.OUT_OF_BOUNDS)).toBe(history.samples);
    expect(Number(record.counters?.samplesWritten)).toBe(0);
    expectBalanced(record);
  });

  it("adds extra labels and leaves out dropped series", async () => {
    await stack.client.startImport({
      clusterId: "c1",
      target: "src",
      ...range,
      extraLabels: { cluster: "c1", origin: "ferry" },
      dropSelectors: ['{series=~"1[0-9]"}'],
    });
    const record = await waitForImport(stack.client, "c1", "src");
    expect(ImportState[record.state]).toBe("COMPLETED");
    const kept = history.series.filter((s) => !/^1[0-9]$/.test(s.labels.series ?? ""));
    const keptSamples = kept.reduce((n, s) => n + s.samples, 0);
    expect(Number(record.counters?.samplesWritten)).toBe(keptSamples);
    expectBalanced(record);
    const landed = await countSamplesPerSeries(sink.url, '{job="ferry-history"}', START, END);
    expect(landed.size).toBe(kept.length);
    for (const key of landed.keys()) expect(key).toMatch(/cluster="c1".*origin="ferry"/);
    expect([...landed.values()].reduce((a, b) => a + b, 0)).toBe(keptSamples);
  });

  it("holds the write rate under --rate-limit", async () => {
    const rate = 2000;
    const started = Date.now();
    await stack.client.startImport({
      clusterId: "c1",
      target: "src",
      ...range,
      rateLimit: rate,
      force: true,
    });
    const record = await waitForImport(stack.client, "c1", "src");
    const seconds = (Date.now() - started) / 1000;
    expect(ImportState[record.state]).toBe("COMPLETED");
    // The bucket starts with one second of tokens; the rest must wait.
    expect(seconds).toBeGreaterThanOrEqual(history.samples / rate - 1);
  }, 60_000);
});

async function waitForUp(server: PrometheusServer): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await instantQuery(server.url, "up")).length > 0) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("the strict sink never scraped itself");
}
