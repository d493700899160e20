import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { timestampFromMs, timestampMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { type ImportPreview, ImportState } from "@ferry/api";
import {
  buildSourceTsdb,
  instantQuery,
  type PrometheusServer,
  type SourceTsdb,
  startPrometheus,
  startVictoriaMetrics,
  type VictoriaMetricsServer,
} from "@ferry/local-prometheus";
import { type FerryStack, startFerryStack } from "../support/ferry-stack";
import { waitForImport } from "../support/wait-for-import";

const HOUR = 3600_000;
const STEP = 15_000;
// Days old, on a whole hour: a sink without an out-of-order window would refuse all of it.
const END = Math.floor(Date.now() / HOUR) * HOUR - 72 * HOUR;
const START = END - 12 * HOUR;
const range = { start: timestampFromMs(START), end: timestampFromMs(END) };

describe("ferry import start --dry-run against real servers", () => {
  let work: string;
  let history: SourceTsdb;
  let source: PrometheusServer<"source">;
  let vm: VictoriaMetricsServer;
  let strictSink: PrometheusServer<"sink">;
  let vmStack: FerryStack;
  let strictStack: FerryStack;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "ferry-preview-"));
    history = await buildSourceTsdb({
      dir: join(work, "source"),
      series: 50,
      startMs: START,
      endMs: END,
      stepMs: STEP,
      seed: 7,
    });
    [source, vm, strictSink] = await Promise.all([
      startPrometheus({ dataDir: history.dir, role: "source" }),
      startVictoriaMetrics({ dataDir: join(work, "vm") }),
      // The remote-write receiver with no out-of-order window at all.
      startPrometheus({ dataDir: join(work, "strict"), role: "sink", outOfOrderWindow: "" }),
    ]);
    [vmStack, strictStack] = await Promise.all([
      startFerryStack({ remoteWriteUrl: vm.remoteWriteUrl, queryUrl: vm.queryUrl }),
      startFerryStack({ remoteWriteUrl: strictSink.remoteWriteUrl, queryUrl: strictSink.url }),
    ]);
    await Promise.all([vmStack.startAgent("c1"), strictStack.startAgent("c1")]);
    for (const stack of [vmStack, strictStack]) {
      await stack.client.addTarget({ clusterId: "c1", name: "src", endpoint: source.remoteReadUrl });
    }
  }, 180_000);

  afterAll(async () => {
    await Promise.all([vmStack?.close(), strictStack?.close()]);
    await Promise.all([source?.stop(), vm?.stop(), strictSink?.stop()]);
    await rm(work, { recursive: true, force: true });
  });

  async function dryRun(
    stack: FerryStack,
    extra: { dropSelectors?: string[]; force?: boolean } = {},
  ): Promise<ImportPreview> {
    const response = await stack.client.startImport({
      clusterId: "c1",
      target: "src",
      ...range,
      ...extra,
      dryRun: true,
    });
    expect(response.import).toBeUndefined();
    if (!response.preview) throw new Error("no preview in the answer");
    return response.preview;
  }

  it("previews an import into VictoriaMetrics: exact series, samples within 20%, no warnings, nothing written", async () => {
    const preview = await dryRun(vmStack);

    expect(Number(preview.series)).toBe(history.series.length);
    const estimated = Number(preview.estimatedSamples);
    expect(estimated).toBeGreaterThanOrEqual(history.samples * 0.8);
    expect(estimated).toBeLessThanOrEqual(history.samples * 1.2);
    expect(Number(preview.estimatedBytes)).toBeGreaterThan(0);
    expect(preview.warnings).toEqual([]);
    // Probes, not the whole range, were read.
    expect(Number(preview.probedMs)).toBeLessThan(END - START);
    expect(["streamed", "samples"]).toContain(preview.responseType);
    // The planned windows cover the range from its start, back to back.
    const windows = preview.windows.map((w) => [timestampMs(w.start!), timestampMs(w.end!)] as const);
    expect(windows[0]?.[0]).toBe(START);
    expect(windows.at(-1)?.[1]).toBe(END);
    for (let i = 1; i < windows.length; i++) expect(windows[i]?.[0]).toBe((windows[i - 1]?.[1] ?? 0) + 1);

    await vm.flush();
    expect(await instantQuery(vm.url, 'count({__name__=~".+"})', Date.now())).toEqual([]);
    expect((await vmStack.client.listImports({})).imports).toEqual([]);
  });

  it("counts series after the drop selectors", async () => {
    const kept = history.series.filter((s) => s.labels.__name__ !== history.series[0]?.labels.__name__);
    const preview = await dryRun(vmStack, { dropSelectors: [history.series[0]?.labels.__name__ ?? ""] });
    expect(Number(preview.series)).toBe(kept.length);
    expect(kept.length).toBeLessThan(history.series.length);
  });

  it("warns that a Prometheus sink without an out-of-order window will refuse days-old samples", async () => {
    const preview = await dryRun(strictStack);
    expect(Number(preview.series)).toBe(history.series.length);
    expect(preview.warnings).toHaveLength(1);
    expect(preview.warnings[0]).toMatch(
      /^the sink \(Prometheus\) will reject samples older than .* as out of bounds/,
    );
    expect(preview.warnings[0]).toContain("out_of_order_time_window");
    expect(await instantQuery(strictSink.url, 'count({__name__=~".+"})', Date.now())).toEqual([]);
    expect((await strictStack.client.listImports({})).imports).toEqual([]);
  });

  it("refuses what a real start refuses, before reading anything", async () => {
    const error = await vmStack.client
      .startImport({ clusterId: "c1", target: "src", ...range, selectors: ["up{"], dryRun: true })
      .catch((e: unknown) => ConnectError.from(e));
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).code).toBe(Code.InvalidArgument);
    expect((error as ConnectError).rawMessage).toMatch(/^selectors\[0\]: /);
  });

  // Last: it writes to the VictoriaMetrics sink, which the first test expects empty.
  it("after a completed import: refused without force as a real start is, and leaves the record alone", async () => {
    await vmStack.client.startImport({ clusterId: "c1", target: "src", ...range });
    const done = await waitForImport(vmStack.client, "c1", "src");
    expect(ImportState[done.state]).toBe("COMPLETED");

    const refused = await dryRun(vmStack).catch((e: unknown) => ConnectError.from(e));
    expect(refused).toBeInstanceOf(ConnectError);
    expect((refused as ConnectError).code).toBe(Code.FailedPrecondition);
    expect((refused as ConnectError).rawMessage).toMatch(/the last import completed; pass force/);

    const preview = await dryRun(vmStack, { force: true });
    expect(Number(preview.series)).toBe(history.series.length);
    const { import: after } = await vmStack.client.getImport({ clusterId: "c1", target: "src" });
    // updatedAt moves with the agent's last reports after the watch saw COMPLETED; nothing else may.
    expect({ ...after, updatedAt: undefined }).toEqual({ ...done, updatedAt: undefined });
  });
});
