import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { canonicalLabels } from "./canonical-labels";
import { ProcessExitedError } from "./errors";
import { historyValue } from "./history";
import { instantQuery, rangeQuery } from "./prometheus-api";
import { type PrometheusServer, startPrometheus } from "./prometheus-server";
import { countSamplesPerSeries, detectRangeSemantics, totalSamples } from "./sample-count";
import { buildSourceTsdb, type SourceTsdb } from "./source-tsdb";
import { startVictoriaMetrics, type VictoriaMetricsServer } from "./victoria-metrics-server";

// Real prometheus, promtool and victoria-metrics binaries (Debian packages), on free ports.

const HOUR = 3_600_000;
const STEP = 15_000;
const END = Math.floor(Date.now() / HOUR) * HOUR - 24 * HOUR;
const START = END - 3 * HOUR;
const OLD = Math.floor((Date.now() - 48 * HOUR) / 1000) * 1000;
const OLD_SAMPLES = [
  { timestampMs: OLD, value: 1.5 },
  { timestampMs: OLD + STEP, value: 2.5 },
  { timestampMs: OLD + 2 * STEP, value: -3 },
];

let root: string;
let history: SourceTsdb;
let source: PrometheusServer<"source">;
let sink: PrometheusServer<"sink">;
let strictSink: PrometheusServer<"sink">;
let vm: VictoriaMetricsServer;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "ferry-local-prometheus-"));
  const sinks = Promise.all([
    startPrometheus({ dataDir: join(root, "sink"), role: "sink", scrapeSelf: true, scrapeInterval: "1s" }),
    startPrometheus({
      dataDir: join(root, "strict-sink"),
      role: "sink",
      outOfOrderWindow: "0s",
      scrapeSelf: true,
      scrapeInterval: "1s",
    }),
    startVictoriaMetrics({ dataDir: join(root, "vm") }),
  ]);
  history = await buildSourceTsdb({
    dir: join(root, "source"),
    series: 20,
    startMs: START,
    endMs: END,
    stepMs: STEP,
  });
  source = await startPrometheus({ dataDir: history.dir, role: "source" });
  [sink, strictSink, vm] = await sinks;
  // Only once a sink's head holds fresh scrapes are two-day-old samples "old" to it.
  await Promise.all([waitForSelfScrape(sink), waitForSelfScrape(strictSink)]);
});

afterAll(async () => {
  await Promise.all([source?.stop(), sink?.stop(), strictSink?.stop(), vm?.stop()]);
  if (root) await rm(root, { recursive: true, force: true });
});

describe("source Prometheus on backfilled blocks", () => {
  it("holds exactly the generated samples, counted per series", async () => {
    expect(history.samples).toBe(20 * 720);
    expect(history.blocks.length).toBeGreaterThan(0);
    const counts = await countSamplesPerSeries(source.url, '{job="ferry-history"}', START, END);
    const expected = new Map(history.series.map((s) => [canonicalLabels(s.labels), s.samples]));
    expect(counts).toEqual(expected);
    expect(await totalSamples(source.url, '{job="ferry-history"}', START, END)).toBe(history.samples);
  });

  it("counts inclusive [start, end] boundaries exactly under Prometheus 2's closed windows", async () => {
    const s = history.series[3]!;
    const selector = `${s.labels.__name__}{series="3"}`;
    expect(await detectRangeSemantics(source.url)).toBe("closed");
    expect(await totalSamples(source.url, selector, s.firstMs, s.lastMs)).toBe(720);
    expect(await totalSamples(source.url, selector, s.firstMs + 1, s.lastMs)).toBe(719);
    expect(await totalSamples(source.url, selector, s.firstMs + 1, s.lastMs - 1)).toBe(718);
    expect(await totalSamples(source.url, selector, s.firstMs - STEP, s.firstMs)).toBe(1);
  });

  it("serves the generated values", async () => {
    for (const s of [history.series[0]!, history.series[1]!]) {
      expect(s.kind).toBe(s.index === 0 ? "counter" : "gauge");
      const [result] = await rangeQuery(source.url, canonicalLabels(s.labels), s.firstMs, s.lastMs, STEP);
      const values = result?.samples.map((x) => x.value);
      expect(values).toEqual(Array.from({ length: s.samples }, (_, k) => historyValue(s, k)));
    }
  });
});

describe("sinks accept two-day-old samples", () => {
  it("Prometheus with its out-of-order window", async () => {
    const res = await remoteWrite(sink.remoteWriteUrl, { __name__: "ferry_old", case: "sink" }, OLD_SAMPLES);
    expect(res.status).toBe(204);
    const counts = await countSamplesPerSeries(sink.url, "ferry_old", OLD - HOUR, OLD + HOUR);
    expect(counts).toEqual(new Map([['ferry_old{case="sink"}', 3]]));
    const [result] = await rangeQuery(sink.url, "ferry_old", OLD, OLD + 2 * STEP, STEP);
    expect(result?.samples).toEqual(OLD_SAMPLES);
  });

  it("while a Prometheus without that window answers out of bounds", async () => {
    const res = await remoteWrite(strictSink.remoteWriteUrl, { __name__: "ferry_old" }, OLD_SAMPLES);
    expect(res.status).toBe(400);
    expect(res.body).toMatch(/out of bounds/);
  });

  it("VictoriaMetrics, visible after flush, with left-open windows", async () => {
    const res = await remoteWrite(vm.remoteWriteUrl, { __name__: "ferry_old", case: "vm" }, OLD_SAMPLES);
    expect(res.status).toBe(204);
    await vm.flush();
    expect(await detectRangeSemantics(vm.queryUrl)).toBe("left-open");
    const counts = await countSamplesPerSeries(vm.queryUrl, '{case="vm"}', OLD, OLD + 2 * STEP);
    expect(counts).toEqual(new Map([['ferry_old{case="vm"}', 3]]));
    expect(await totalSamples(vm.queryUrl, '{case="vm"}', OLD + 1, OLD + 2 * STEP)).toBe(2);
    const [result] = await rangeQuery(vm.queryUrl, "ferry_old", OLD, OLD + 2 * STEP, STEP);
    expect(result?.samples).toEqual(OLD_SAMPLES);
  });
});

it("reports a Prometheus that fails to start with its log tail", async () => {
  const failed = startPrometheus({
    dataDir: join(root, "bad"),
    role: "source",
    extraArgs: ["--no-such-flag"],
  });
  await expect(failed).rejects.toBeInstanceOf(ProcessExitedError);
  await expect(failed).rejects.toThrow(/no-such-flag/);
});

async function waitForSelfScrape(server: PrometheusServer): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await instantQuery(server.url, 'up{job="prometheus"}')).length > 0) return;
    await sleep(100);
  }
  throw new Error(`${server.url} never scraped itself:\n${server.logs()}`);
}

async function remoteWrite(
  url: string,
  labels: Record<string, string>,
  samples: readonly { timestampMs: number; value: number }[],
): Promise<{ status: number; body: string }> {
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/x-protobuf",
      "content-encoding": "snappy",
      "x-prometheus-remote-write-version": "0.1.0",
    },
    body: snappyLiterals(encodeWriteRequest(labels, samples)),
  });
  return { status: res.status, body: await res.text() };
}

// A tiny prometheus.WriteRequest encoder: one TimeSeries, labels sorted by name as receivers expect.
function encodeWriteRequest(
  labels: Record<string, string>,
  samples: readonly { timestampMs: number; value: number }[],
): Uint8Array {
  const series: number[] = [];
  for (const name of Object.keys(labels).sort()) {
    series.push(...field(1, [...field(1, utf8(name)), ...field(2, utf8(labels[name]!))]));
  }
  for (const s of samples) {
    const value = new Uint8Array(new Float64Array([s.value]).buffer);
    series.push(...field(2, [0x09, ...value, 0x10, ...varint(s.timestampMs)]));
  }
  return Uint8Array.from(field(1, series));
}

function field(num: number, bytes: readonly number[]): number[] {
  return [(num << 3) | 2, ...varint(bytes.length), ...bytes];
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

function utf8(s: string): number[] {
  return [...Buffer.from(s, "utf8")];
}

// Valid snappy block format using only literal elements: enough for a receiver to decode.
function snappyLiterals(data: Uint8Array): Uint8Array {
  const out: number[] = varint(data.length);
  for (let i = 0; i < data.length; i += 60) {
    const chunk = data.subarray(i, i + 60);
    out.push((chunk.length - 1) << 2, ...chunk);
  }
  return Uint8Array.from(out);
}
