import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type PrometheusServer,
  startPrometheus,
  startVictoriaMetrics,
  type VictoriaMetricsServer,
} from "@ferry/local-prometheus";
import {
  checkSinkAge,
  outOfOrderWindow,
  parseDuration,
  probeSink,
  sinkAgeWarnings,
  yamlScalar,
} from "./sink-age-check";

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 10, 23, 12);

describe("sink age check against real sinks", () => {
  let work: string;
  let strict: PrometheusServer<"sink">;
  let lenient: PrometheusServer<"sink">;
  let vm: VictoriaMetricsServer;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "ferry-sink-age-"));
    [strict, lenient, vm] = await Promise.all([
      startPrometheus({ dataDir: join(work, "strict"), role: "sink", outOfOrderWindow: "" }),
      startPrometheus({ dataDir: join(work, "lenient"), role: "sink", outOfOrderWindow: "30d" }),
      startVictoriaMetrics({ dataDir: join(work, "vm") }),
    ]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([strict?.stop(), lenient?.stop(), vm?.stop()]);
    await rm(work, { recursive: true, force: true });
  });

  it("reads a Prometheus sink's out-of-order window from its config", async () => {
    expect(await probeSink(strict.url, "X-Scope-OrgID", "prod")).toEqual({
      kind: "prometheus",
      outOfOrderWindowMs: 0,
      outOfOrderWindowText: "0m",
      headMaxMs: undefined,
    });
    expect(await probeSink(lenient.url, "X-Scope-OrgID", "prod")).toMatchObject({
      kind: "prometheus",
      outOfOrderWindowMs: 30 * DAY,
      outOfOrderWindowText: "30d",
    });
  });

  it("warns that a Prometheus sink without a window rejects days-old samples, naming the setting", async () => {
    const startMs = Date.now() - 3 * DAY - 30 * 60_000;
    const [warning, ...rest] = await checkSinkAge({
      queryUrl: strict.url,
      tenantHeader: "X-Scope-OrgID",
      tenant: "prod",
      startMs,
    });
    expect(rest).toEqual([]);
    expect(warning).toMatch(/^the sink \(Prometheus\) will reject samples older than .* as out of bounds/);
    expect(warning).toContain("storage.tsdb.out_of_order_time_window is not set");
    expect(warning).toContain(
      "raise out_of_order_time_window (under storage.tsdb in its config file) to at least 3d1h",
    );
    const covered = { queryUrl: lenient.url, tenantHeader: "X-Scope-OrgID", tenant: "prod", startMs };
    expect(await checkSinkAge(covered)).toEqual([]);
  });

  it("recognises VictoriaMetrics, which accepts old samples", async () => {
    expect(await probeSink(vm.url, "X-Scope-OrgID", "prod")).toEqual({ kind: "victoriametrics" });
    const check = { queryUrl: vm.url, tenantHeader: "X-Scope-OrgID", tenant: "prod", startMs: 0 };
    expect(await checkSinkAge(check)).toEqual([]);
  });

  it("never fails when the sink cannot be asked: a soft warning for old data only", async () => {
    const gone = { queryUrl: "http://127.0.0.1:1", tenantHeader: "X-Scope-OrgID", tenant: "prod" };
    const [warning] = await checkSinkAge({ ...gone, startMs: Date.now() - 2 * DAY });
    expect(warning).toMatch(
      /^could not tell which store the sink is \(http:\/\/127\.0\.0\.1:1 answered neither/,
    );
    expect(warning).toContain("out_of_order_time_window in Cortex/Mimir limits");
    expect(await checkSinkAge({ ...gone, startMs: Date.now() - 10 * 60_000 })).toEqual([]);
  });
});

describe("sinkAgeWarnings", () => {
  const prometheus = (windowMs: number, headMaxMs?: number) =>
    ({ kind: "prometheus", outOfOrderWindowMs: windowMs, outOfOrderWindowText: "x", headMaxMs }) as const;

  it("accepts what lies within an hour of the newest sample, or within the out-of-order window", () => {
    expect(sinkAgeWarnings(prometheus(0), NOW - HOUR, NOW)).toEqual([]);
    expect(sinkAgeWarnings(prometheus(0), NOW - HOUR - 1, NOW)).toHaveLength(1);
    expect(sinkAgeWarnings(prometheus(7 * DAY), NOW - 7 * DAY, NOW)).toEqual([]);
    expect(sinkAgeWarnings(prometheus(7 * DAY), NOW - 8 * DAY, NOW)[0]).toContain("to at least 8d");
  });

  it("measures from the head when it runs ahead of the clock", () => {
    expect(sinkAgeWarnings(prometheus(0, NOW + 2 * HOUR), NOW - 10 * 60_000, NOW)).toHaveLength(1);
  });

  it("names Mimir's limit, and warns an unknown sink only about data older than an hour", () => {
    expect(sinkAgeWarnings({ kind: "mimir" }, NOW - 2 * DAY, NOW)[0]).toMatch(
      /^the sink \(Grafana Mimir\) .* out_of_order_time_window \(in its limits\) .* at least 2d/,
    );
    expect(sinkAgeWarnings({ kind: "unknown", reason: "r" }, NOW - 30 * 60_000, NOW)).toEqual([]);
    expect(sinkAgeWarnings({ kind: "unknown", reason: "r" }, NOW - 2 * HOUR, NOW)).toHaveLength(1);
  });
});

describe("Prometheus config parsing", () => {
  const dump = [
    "global:",
    "  scrape_interval: 15s",
    "scrape_configs:",
    "- job_name: x",
    "  static_configs:",
    "  - targets:",
    "    - 127.0.0.1:9090",
    "storage:",
    "  tsdb:",
    "    outofordertimewindow: 3153600000000",
    "    out_of_order_time_window: 100y",
    "",
  ].join("\n");

  it("finds a scalar by its path of keys", () => {
    expect(yamlScalar(dump, ["storage", "tsdb", "out_of_order_time_window"])).toBe("100y");
    expect(yamlScalar(dump, ["global", "scrape_interval"])).toBe("15s");
    expect(yamlScalar(dump, ["tsdb", "out_of_order_time_window"])).toBeUndefined();
  });

  it("takes the window as a duration, else in milliseconds, else 0", () => {
    expect(outOfOrderWindow(dump)).toEqual({ ms: 100 * 365 * DAY, text: "100y" });
    expect(outOfOrderWindow("storage:\n  tsdb:\n    outofordertimewindow: 7200000\n")).toEqual({
      ms: 2 * HOUR,
      text: "2h",
    });
    expect(outOfOrderWindow("global:\n  scrape_interval: 15s\n")).toEqual({ ms: 0, text: "0m" });
  });

  it.each([
    ["1h30m", 90 * 60_000],
    ["2w", 14 * DAY],
    ["500ms", 500],
    ["0s", 0],
    ["0", 0],
    ["1.5h", undefined],
    ["", undefined],
  ])("parses %j", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
});
