const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;
/**
 * A Prometheus TSDB appends in order only from half its head chunk range (2h by default) before
 * its newest sample; older samples are "out of bounds" unless the out-of-order window covers them.
 * Cortex and Mimir ingesters are the same TSDB.
 */
const IN_ORDER_SPAN_MS = HOUR_MS;
const PROBE_TIMEOUT_MS = 5000;

/** What the sink's query API tells about which samples it accepts. */
export type SinkFacts =
  | { kind: "prometheus"; outOfOrderWindowMs: number; outOfOrderWindowText: string; headMaxMs?: number }
  | { kind: "victoriametrics" }
  | { kind: "mimir" }
  | { kind: "unknown"; reason: string };

export interface SinkAgeCheck {
  /** The sink's Prometheus-compatible API base (the gateway's --query-url); undefined when not given. */
  queryUrl: string | undefined;
  tenantHeader: string;
  tenant: string;
  startMs: number;
  nowMs?: number;
  timeoutMs?: number;
}

/**
 * Warnings about samples of [start, …] the sink will refuse as too old. Never fails: a sink that
 * cannot be asked gets the soft warning of an unknown sink.
 */
export async function checkSinkAge(check: SinkAgeCheck, signal?: AbortSignal): Promise<string[]> {
  const facts: SinkFacts = check.queryUrl
    ? await probeSink(check.queryUrl, check.tenantHeader, check.tenant, check.timeoutMs, signal)
    : { kind: "unknown", reason: "the gateway was started without --query-url" };
  return sinkAgeWarnings(facts, check.startMs, check.nowMs ?? Date.now());
}

/**
 * Asks the sink what it is: Mimir names itself in buildinfo; Prometheus dumps its config as YAML
 * and has a head in /api/v1/status/tsdb; VictoriaMetrics (1.79) answers the config with an empty
 * YAML and its tsdb status with totalSeries and no head. Cortex answers none of these.
 */
export async function probeSink(
  queryUrl: string,
  tenantHeader: string,
  tenant: string,
  timeoutMs = PROBE_TIMEOUT_MS,
  signal?: AbortSignal,
): Promise<SinkFacts> {
  const base = queryUrl.replace(/\/+$/, "");
  const get = (path: string) => getApiData(`${base}${path}`, { [tenantHeader]: tenant }, timeoutMs, signal);
  const [buildinfo, config, tsdb] = await Promise.all([
    get("/api/v1/status/buildinfo"),
    get("/api/v1/status/config"),
    get("/api/v1/status/tsdb"),
  ]);
  const application = field(buildinfo, "application");
  if (typeof application === "string" && /mimir/i.test(application)) return { kind: "mimir" };
  const yaml = field(config, "yaml");
  const headStats = field(tsdb, "headStats");
  if (typeof yaml === "string" && yaml.trim() !== "") {
    const window = outOfOrderWindow(yaml);
    const maxTime = field(headStats, "maxTime");
    // An empty head reports maxTime as the smallest int64.
    const headMaxMs = typeof maxTime === "number" && Number.isSafeInteger(maxTime) ? maxTime : undefined;
    return {
      kind: "prometheus",
      outOfOrderWindowMs: window.ms,
      outOfOrderWindowText: window.text,
      headMaxMs,
    };
  }
  if (headStats === undefined && typeof field(tsdb, "totalSeries") === "number") {
    return { kind: "victoriametrics" };
  }
  return { kind: "unknown", reason: `${base} answered neither as Prometheus nor as VictoriaMetrics` };
}

export function sinkAgeWarnings(facts: SinkFacts, startMs: number, nowMs: number): string[] {
  switch (facts.kind) {
    case "victoriametrics":
      return [];
    case "prometheus": {
      // A sink fed live data has its head at now; an empty one moves there as soon as it is.
      const newestMs = Math.max(facts.headMaxMs ?? nowMs, nowMs);
      const acceptedMs = Math.max(IN_ORDER_SPAN_MS, facts.outOfOrderWindowMs);
      if (startMs >= newestMs - acceptedMs) return [];
      const setting = facts.outOfOrderWindowMs > 0 ? facts.outOfOrderWindowText : "not set";
      return [
        `the sink (Prometheus) will reject samples older than ${iso(newestMs - acceptedMs)} as out of bounds: ` +
          `it accepts samples at most ${duration(acceptedMs)} older than its newest, and its ` +
          `storage.tsdb.out_of_order_time_window is ${setting}; raise out_of_order_time_window (under ` +
          `storage.tsdb in its config file) to at least ${duration(newestMs - startMs)}`,
      ];
    }
    case "mimir":
      if (startMs >= nowMs - IN_ORDER_SPAN_MS) return [];
      return [
        "the sink (Grafana Mimir) rejects samples more than 1h older than a tenant's newest as out of " +
          "bounds unless the tenant's out_of_order_time_window (in its limits) covers them: it must be " +
          `at least ${duration(nowMs - startMs)} for this import`,
      ];
    case "unknown":
      if (startMs >= nowMs - IN_ORDER_SPAN_MS) return [];
      return [
        `could not tell which store the sink is (${facts.reason}): Prometheus, Cortex and Mimir reject ` +
          "samples more than about 1h older than their newest unless their out-of-order window covers " +
          `them (at least ${duration(nowMs - startMs)} for this import: storage.tsdb.out_of_order_time_window ` +
          "in Prometheus, out_of_order_time_window in Cortex/Mimir limits); VictoriaMetrics accepts them",
      ];
  }
}

/**
 * storage.tsdb.out_of_order_time_window from Prometheus's config dump. Prometheus 2.42 writes
 * it as a duration when set in the file, and always as outofordertimewindow in milliseconds.
 */
export function outOfOrderWindow(yaml: string): { ms: number; text: string } {
  const text = yamlScalar(yaml, ["storage", "tsdb", "out_of_order_time_window"]);
  const ms = text === undefined ? undefined : parseDuration(text);
  if (text !== undefined && ms !== undefined) return { ms, text };
  const raw = Number(yamlScalar(yaml, ["storage", "tsdb", "outofordertimewindow"]) ?? "0");
  const fallback = Number.isFinite(raw) && raw > 0 ? raw : 0;
  return { ms: fallback, text: duration(fallback) };
}

/**
 * The scalar at a path of nested mappings in block-style YAML as Go's yaml marshaller writes
 * it (two-space indents, plain keys). Enough for Prometheus's config dump; not a YAML parser.
 */
export function yamlScalar(yaml: string, path: readonly string[]): string | undefined {
  const stack: { indent: number; key: string }[] = [];
  for (const line of yaml.split("\n")) {
    const m = /^( *)([A-Za-z_][\w.-]*):(?: +(.*))?$/.exec(line);
    if (!m) continue;
    const indent = (m[1] ?? "").length;
    while (stack.length > 0 && (stack.at(-1)?.indent ?? 0) >= indent) stack.pop();
    stack.push({ indent, key: m[2] ?? "" });
    if (stack.length === path.length && stack.every((s, i) => s.key === path[i])) {
      return (m[3] ?? "").trim().replace(/^(["'])(.*)\1$/, "$2");
    }
  }
  return undefined;
}

const UNIT_MS: Readonly<Record<string, number>> = {
  y: 365 * DAY_MS,
  w: 7 * DAY_MS,
  d: DAY_MS,
  h: HOUR_MS,
  m: 60_000,
  s: 1000,
  ms: 1,
};

/** A Prometheus duration ("100y", "1h30m", "0s", "0"); undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  if (text === "0") return 0;
  if (!/^(\d+(y|w|d|h|ms|m|s))+$/.test(text)) return undefined;
  let ms = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)(y|w|d|h|ms|m|s)/g))
    ms += Number(n) * (UNIT_MS[unit ?? ""] ?? 0);
  return ms;
}

/** Rounded up to a whole hour (minute under an hour), in Prometheus's form: "3d1h", "5h", "10m". */
function duration(ms: number): string {
  if (ms < HOUR_MS) return `${Math.ceil(ms / 60_000)}m`;
  const hours = Math.ceil(ms / HOUR_MS);
  const days = Math.floor(hours / 24);
  return `${days > 0 ? `${days}d` : ""}${hours % 24 > 0 || days === 0 ? `${hours % 24}h` : ""}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, "Z");
}

function field(value: unknown, name: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

/** `data` of a successful Prometheus API answer; undefined for anything else, never a throw. */
async function getApiData(
  url: string,
  headers: Record<string, string>,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<unknown> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, {
      headers,
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    if (!response.ok) {
      await response.body?.cancel();
      return undefined;
    }
    const body = (await response.json()) as unknown;
    return field(body, "status") === "success" ? field(body, "data") : undefined;
  } catch {
    return undefined;
  }
}
