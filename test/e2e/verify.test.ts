import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { timestampFromMs, timestampMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { ImportState, type SeriesMismatch, type VerifyImportResponse } from "@ferry/api";
import {
  buildSourceTsdb,
  type PrometheusServer,
  type SeriesInfo,
  type SourceTsdb,
  startPrometheus,
  startVictoriaMetrics,
  type VictoriaMetricsServer,
} from "@ferry/local-prometheus";
import { type FerryStack, startFerryStack } from "../support/ferry-stack";
import { waitForImport } from "../support/wait-for-import";

const HOUR = 3600_000;
const STEP = 15_000;
// Whole hours well in the past: three one-hour windows.
const END = Math.floor(Date.now() / HOUR) * HOUR - 72 * HOUR;
const START = END - 3 * HOUR;
const range = { start: timestampFromMs(START), end: timestampFromMs(END) };

/** `{__name__="up",job="x"}`: labels in name order as one selector, metric name included. */
const selectorOf = (labels: Readonly<Record<string, string>>) =>
  `{${Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(",")}}`;

const sameSeries = (m: SeriesMismatch, s: SeriesInfo) =>
  Object.keys(m.labels).length === Object.keys(s.labels).length &&
  Object.entries(s.labels).every(([k, v]) => m.labels[k] === v);

describe("ferry import verify (real Prometheus source, VictoriaMetrics sink)", () => {
  let work: string;
  let history: SourceTsdb;
  let source: PrometheusServer<"source">;
  let sink: VictoriaMetricsServer;
  let stack: FerryStack;

  const verify = (windowMs = 0) =>
    stack.client.verifyImport({ clusterId: "c1", target: "src", windowMs: BigInt(windowMs) });

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "ferry-verify-"));
    history = await buildSourceTsdb({
      dir: join(work, "source"),
      series: 12,
      metrics: 3,
      startMs: START,
      endMs: END,
      stepMs: STEP,
    });
    [source, sink] = await Promise.all([
      startPrometheus({ dataDir: history.dir, role: "source" }),
      startVictoriaMetrics({ dataDir: join(work, "sink") }),
    ]);
    stack = await startFerryStack({ remoteWriteUrl: sink.remoteWriteUrl, queryUrl: sink.queryUrl });
    await stack.startAgent("c1");
    await stack.client.addTarget({ clusterId: "c1", name: "src", endpoint: source.remoteReadUrl });
  }, 180_000);

  afterAll(async () => {
    await stack?.close();
    await Promise.all([source?.stop(), sink?.stop()]);
    await rm(work, { recursive: true, force: true });
  });

  it("refuses to verify before any import", async () => {
    const error = await verify().catch((e: unknown) => ConnectError.from(e));
    expect(error).toMatchObject({ code: Code.NotFound });
  });

  it("finds every window and series matching after a complete import", async () => {
    await stack.client.startImport({ clusterId: "c1", target: "src", ...range });
    expect(ImportState[(await waitForImport(stack.client, "c1", "src")).state]).toBe("COMPLETED");
    await sink.flush();

    const result = await verify();
    expect(result.match).toBe(true);
    expect(result.windows.map((w) => [timestampMs(w.start!), timestampMs(w.end!), w.match])).toEqual([
      [START, START + HOUR, true],
      [START + HOUR, START + 2 * HOUR, true],
      [START + 2 * HOUR, END, true],
    ]);
    expect(Number(result.sourceSamples)).toBe(history.samples);
    expect(Number(result.sinkSamples)).toBe(history.samples);
    expect(Number(result.series)).toBe(history.series.length);
    for (const w of result.windows) expect(Number(w.series)).toBe(history.series.length);
    expect(result.mismatches).toEqual([]);

    // Windows that do not divide the range: the last one is shorter (asked with an instant query).
    const uneven = await verify(50 * 60_000);
    expect(uneven.match).toBe(true);
    expect(uneven.windows).toHaveLength(4);
    expect(timestampMs(uneven.windows[3]!.end!)).toBe(END);
    expect(Number(uneven.sinkSamples)).toBe(history.samples);
  });

  it("looks series up in the sink with the cluster's tenant", async () => {
    const { series } = await stack.client.series({
      clusterId: "c1",
      matchers: ['{job="ferry-history"}'],
      start: range.start,
      end: range.end,
    });
    expect(series).toHaveLength(history.series.length);
    expect(series.map((s) => selectorOf(s.labels)).sort()).toEqual(
      history.series.map((s) => selectorOf(s.labels)).sort(),
    );
    await expect(stack.client.series({ clusterId: "c1", matchers: [] })).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: expect.stringMatching(/^matchers:/),
    });
  });

  it("reports a series deleted from the sink as mismatching in every window", async () => {
    const deleted = history.series[0] as SeriesInfo;
    const response = await fetch(`${sink.url}/api/v1/admin/tsdb/delete_series`, {
      method: "POST",
      body: new URLSearchParams({ "match[]": selectorOf(deleted.labels) }),
    });
    expect(response.status).toBeLessThan(300);

    const result = await verify();
    expect(result.match).toBe(false);
    expect(Number(result.mismatchedSeries)).toBe(1);
    expect(result.windows.map((w) => [w.match, Number(w.mismatchedSeries)])).toEqual([
      [false, 1],
      [false, 1],
      [false, 1],
    ]);
    expect(result.mismatches).toHaveLength(3);
    for (const m of result.mismatches) {
      expect(sameSeries(m, deleted)).toBe(true);
      expect(Number(m.sinkSamples)).toBe(0);
      expect(Number(m.sourceSamples)).toBe(HOUR / STEP);
    }
    expect(Number(result.sourceSamples) - Number(result.sinkSamples)).toBe(deleted.samples);
  });

  it("reports an extra sample written into the sink in the one window and series it lands in", async () => {
    const altered = history.series[1] as SeriesInfo;
    const { __name__: name, ...rest } = altered.labels;
    const at = START + HOUR + 7_500; // between two samples of window 1
    const line = `${name}${selectorOf(rest)} 42 ${at}\n`;
    const response = await fetch(`${sink.url}/api/v1/import/prometheus`, { method: "POST", body: line });
    expect(response.status).toBeLessThan(300);
    await sink.flush();

    const result: VerifyImportResponse = await verify();
    expect(result.match).toBe(false);
    expect(Number(result.mismatchedSeries)).toBe(2);
    const extra = result.mismatches.filter((m) => sameSeries(m, altered));
    expect(extra).toHaveLength(1);
    expect(timestampMs(extra[0]!.windowStart!)).toBe(START + HOUR);
    expect(Number(extra[0]!.sinkSamples)).toBe(Number(extra[0]!.sourceSamples) + 1);
    expect(result.windows.map((w) => Number(w.mismatchedSeries))).toEqual([1, 2, 1]);

    // max_mismatches bounds the list; the rest are counted.
    const capped = await stack.client.verifyImport({ clusterId: "c1", target: "src", maxMismatches: 2 });
    expect(capped.mismatches).toHaveLength(2);
    expect(Number(capped.mismatchesOmitted)).toBe(2);
  });

  it("verifies an import with extra labels as matching (the series altered before lack them)", async () => {
    await stack.client.startImport({
      clusterId: "c1",
      target: "src",
      ...range,
      extraLabels: { origin: "ferry", cluster: "c1" },
      force: true,
    });
    expect(ImportState[(await waitForImport(stack.client, "c1", "src")).state]).toBe("COMPLETED");
    await sink.flush();

    const result = await verify();
    expect(result.mismatches).toEqual([]);
    expect(result.match).toBe(true);
    expect(Number(result.series)).toBe(history.series.length);
    expect(Number(result.sinkSamples)).toBe(history.samples);
  });
});

describe("ferry import verify against a sink whose range selectors are closed on the left (Prometheus 2.x)", () => {
  let work: string;
  let history: SourceTsdb;
  let source: PrometheusServer<"source">;
  let sink: PrometheusServer<"sink">;
  let stack: FerryStack;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "ferry-verify-closed-"));
    // Samples 1 ms before each whole hour: every window's last sample is also the next one's edge.
    history = await buildSourceTsdb({
      dir: join(work, "source"),
      series: 4,
      startMs: START - 1,
      endMs: END,
      stepMs: STEP,
    });
    [source, sink] = await Promise.all([
      startPrometheus({ dataDir: history.dir, role: "source" }),
      startPrometheus({ dataDir: join(work, "sink"), role: "sink" }),
    ]);
    stack = await startFerryStack({ remoteWriteUrl: sink.remoteWriteUrl, queryUrl: sink.url });
    await stack.startAgent("c1");
    await stack.client.addTarget({ clusterId: "c1", name: "src", endpoint: source.remoteReadUrl });
  }, 180_000);

  afterAll(async () => {
    await stack?.close();
    await Promise.all([source?.stop(), sink?.stop()]);
    await rm(work, { recursive: true, force: true });
  });

  it("matches although the sink also counts each window's start − 1 ms", async () => {
    await stack.client.startImport({ clusterId: "c1", target: "src", ...range });
    expect(ImportState[(await waitForImport(stack.client, "c1", "src")).state]).toBe("COMPLETED");

    const result = await stack.client.verifyImport({ clusterId: "c1", target: "src" });
    expect(result.mismatches).toEqual([]);
    expect(result.match).toBe(true);
    // START − 1 was not imported (it is before the range); the two later edges are counted twice.
    const perWindow = HOUR / STEP;
    expect(result.windows.map((w) => [Number(w.sourceSamples), Number(w.sinkSamples)])).toEqual([
      [4 * perWindow, 4 * perWindow],
      [4 * perWindow, 4 * (perWindow + 1)],
      [4 * perWindow, 4 * (perWindow + 1)],
    ]);
  });
});
