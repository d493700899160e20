import { create } from "@bufbuild/protobuf";
import { timestampFromMs, timestampMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  type Import,
  ImportState,
  type LabelMatcher,
  LabelMatcherSchema,
  MatchType,
  type SampleCounts,
  type SeriesMismatch,
  SeriesMismatchSchema,
  type Target,
  type VerifyImportRequest,
  type VerifyImportResponse,
  VerifyImportResponseSchema,
  VerifyWindowSchema,
} from "@ferry/api";
import { formatSelector, matchesLabels } from "@ferry/selector";
import type { AgentHub } from "../../core/agent-hub";
import { callAgent } from "./agent-commands";
import type { QueryClient, SinkSeries } from "./query-client";

export const DEFAULT_VERIFY_WINDOW_MS = 3600_000;
const DEFAULT_MAX_MISMATCHES = 100;
/** Prometheus refuses range queries of more than 11 000 points per series. */
const MAX_WINDOWS = 11_000;
/** Counting reads the whole range at the source: allow it far longer than a command. */
const COUNT_TIMEOUT_MS = 60 * 60_000;
/** Sink queries in flight at once (one per metric name). */
const SINK_CONCURRENCY = 4;

export interface VerifyDeps {
  hub: AgentHub;
  query: QueryClient | undefined;
}

interface Windows {
  startMs: number;
  /** Exclusive. */
  endMs: number;
  windowMs: number;
  count: number;
}

type LabelSet = Record<string, string>;

interface Counts {
  labels: LabelSet;
  source: number[];
  edges: number[];
  sink: number[];
}

/**
 * Compares, window by window and series by series, what the source holds for a finished import
 * (counted by the agent through remote read) with what the sink holds (count_over_time, as the
 * cluster's tenant). A sink whose range selectors are closed on the left (Prometheus 2.x, Cortex)
 * also counts the sample at a window's start − 1 ms, so a count equal to the source's plus that
 * edge count matches too.
 */
export async function verifyImport(
  deps: VerifyDeps,
  target: Target,
  record: Import,
  req: VerifyImportRequest,
  signal: AbortSignal,
): Promise<VerifyImportResponse> {
  const windows = requireWindows(record, req);
  const maxMismatches = requireMaxMismatches(req.maxMismatches);
  const query = deps.query;
  if (!query) throw new ConnectError("the gateway was started without --query-url", Code.FailedPrecondition);

  const result = await callAgent(
    deps.hub,
    record.clusterId,
    {
      command: {
        case: "count",
        value: {
          endpoint: target.endpoint,
          start: timestampFromMs(windows.startMs),
          end: timestampFromMs(windows.endMs),
          windowMs: BigInt(windows.windowMs),
          selectors: record.selectors,
          options: record.options,
          auth: target.auth,
        },
      },
    },
    COUNT_TIMEOUT_MS,
    signal,
  );
  if (result.result.case !== "counts")
    throw new ConnectError("agent: unexpected reply to count", Code.Internal);
  const series = sourceCounts(result.result.value, windows);
  await addSinkCounts(query, record, windows, series, signal);
  return compare(series, windows, maxMismatches);
}

function requireWindows(record: Import, req: VerifyImportRequest): Windows {
  const state = ImportState[record.state]?.toLowerCase() ?? String(record.state);
  if (
    record.state !== ImportState.COMPLETED &&
    record.state !== ImportState.FAILED &&
    record.state !== ImportState.CANCELED
  ) {
    throw new ConnectError(
      `target: the import of ${record.clusterId}/${record.target} is ${state}; only a finished import (completed, failed or canceled) can be verified`,
      Code.FailedPrecondition,
    );
  }
  const startMs = record.start ? timestampMs(record.start) : 0;
  const importEndMs = record.end ? timestampMs(record.end) : startMs;
  // A failed or canceled import is verified up to its checkpoint: everything before it was acknowledged.
  const endMs =
    record.state === ImportState.COMPLETED
      ? importEndMs
      : Math.min(importEndMs, record.checkpoint ? timestampMs(record.checkpoint) : startMs);
  if (endMs <= startMs) {
    throw new ConnectError(
      `target: the import of ${record.clusterId}/${record.target} is ${state} before its first checkpoint; nothing to verify`,
      Code.FailedPrecondition,
    );
  }
  if (req.windowMs < 0n) throw invalid("window_ms", `must not be negative, got ${req.windowMs}`);
  const windowMs = req.windowMs === 0n ? DEFAULT_VERIFY_WINDOW_MS : Number(req.windowMs);
  const count = Math.ceil((endMs - startMs) / windowMs);
  if (count > MAX_WINDOWS) {
    throw invalid(
      "window_ms",
      `${windowMs} ms cuts the import's range into ${count} windows, more than ${MAX_WINDOWS}; use a longer window`,
    );
  }
  return { startMs, endMs, windowMs, count };
}

function requireMaxMismatches(value: number): number {
  if (value < 0) throw invalid("max_mismatches", `must not be negative, got ${value}`);
  return value === 0 ? DEFAULT_MAX_MISMATCHES : value;
}

function invalid(field: string, problem: string): ConnectError {
  return new ConnectError(`${field}: ${problem}`, Code.InvalidArgument);
}

/** Series identity: every label, metric name included, in name order. */
function keyOf(labels: LabelSet): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function sourceCounts(counts: SampleCounts, windows: Windows): Map<string, Counts> {
  const series = new Map<string, Counts>();
  for (const s of counts.series) {
    const labels: LabelSet = {};
    for (const l of s.labels) labels[l.name] = l.value;
    const source = new Array<number>(windows.count).fill(0);
    const edges = new Array<number>(windows.count).fill(0);
    for (let k = 0; k < windows.count; k++) {
      source[k] = Number(s.counts[k] ?? 0n);
      edges[k] = Number(s.edgeCounts[k] ?? 0n);
    }
    series.set(keyOf(labels), { labels, source, edges, sink: new Array<number>(windows.count).fill(0) });
  }
  return series;
}

const equal = (name: string, value: string): LabelMatcher =>
  create(LabelMatcherSchema, { type: MatchType.EQUAL, name, value });

/**
 * count_over_time drops the metric name, so two series differing only in it would collide: the
 * sink is asked metric name by metric name, one range query each, one step per window.
 */
async function addSinkCounts(
  query: QueryClient,
  record: Import,
  windows: Windows,
  series: Map<string, Counts>,
  signal: AbortSignal,
): Promise<void> {
  const extra = Object.entries(record.options?.extraLabels ?? {});
  const selectors = record.selectors.map((s) => s.matchers);
  const drops = (record.options?.drop ?? []).map((s) => s.matchers);
  const tenant = record.clusterId;

  // Names at the source, and names only the sink holds among the series this import would write.
  const names = new Map<string, boolean>();
  for (const { labels } of series.values()) {
    const name = labels.__name__ ?? "";
    // A series' own label of an extra label's name wins, so the extra labels cannot narrow its query.
    const overridden = extra.some(([n, v]) => labels[n] !== v);
    names.set(name, (names.get(name) ?? false) || overridden);
  }
  const extraMatchers = extra.map(([n, v]) => equal(n, v));
  const lookups = (
    selectors.length > 0
      ? selectors
      : [
          [
            create(LabelMatcherSchema, {
              type: MatchType.REGEX,
              name: "__name__",
              value: ".+",
            }),
          ],
        ]
  ).map((m) => formatSelector([...m, ...extraMatchers]));
  const atSink = await query.series(
    tenant,
    lookups,
    { startMs: windows.startMs, endMs: windows.endMs - 1 },
    signal,
  );
  for (const labels of atSink) {
    const name = labels.__name__;
    if (name !== undefined && !names.has(name)) names.set(name, false);
  }

  const written = (labels: LabelSet) =>
    extra.every(([n, v]) => labels[n] === v) &&
    (selectors.length === 0 || selectors.some((m) => matchesLabels(m, labels))) &&
    !drops.some((m) => matchesLabels(m, labels));

  const full = Math.floor((windows.endMs - windows.startMs) / windows.windowMs);
  const lastStartMs = windows.startMs + full * windows.windowMs;
  await forEachLimited([...names], SINK_CONCURRENCY, async ([name, overridden]) => {
    if (name === "") return; // a series without a name cannot be asked for; its windows stay at 0
    const selector = formatSelector([equal("__name__", name), ...(overridden ? [] : extraMatchers)]);
    const add = (found: SinkSeries[], windowOf: (t: number) => number) => {
      for (const s of found) {
        const labels = { ...s.labels, __name__: name };
        const key = keyOf(labels);
        let counts = series.get(key);
        if (!counts) {
          if (!written(labels)) continue;
          const zeros = () => new Array<number>(windows.count).fill(0);
          counts = { labels, source: zeros(), edges: zeros(), sink: zeros() };
          series.set(key, counts);
        }
        for (const [t, value] of s.samples) {
          const k = windowOf(t);
          if (k >= 0 && k < windows.count) counts.sink[k] = (counts.sink[k] ?? 0) + value;
        }
      }
    };
    if (full > 0) {
      // Evaluated at each window's last millisecond over the window's length: one step, one window.
      const found = await query.querySeries(
        tenant,
        {
          query: `count_over_time(${selector}[${windows.windowMs}ms])`,
          range: {
            startMs: windows.startMs + windows.windowMs - 1,
            endMs: lastStartMs - 1,
            stepMs: windows.windowMs,
          },
          noCache: true,
        },
        signal,
      );
      add(found, (t) => Math.round((t + 1 - windows.startMs) / windows.windowMs) - 1);
    }
    if (lastStartMs < windows.endMs) {
      const found = await query.querySeries(
        tenant,
        {
          query: `count_over_time(${selector}[${windows.endMs - lastStartMs}ms])`,
          timeMs: windows.endMs - 1,
          noCache: true,
        },
        signal,
      );
      add(found, () => windows.count - 1);
    }
  });
}

function compare(series: Map<string, Counts>, windows: Windows, maxMismatches: number): VerifyImportResponse {
  const response = create(VerifyImportResponseSchema, { match: true });
  const keys = [...series.keys()].sort();
  const seen = new Set<string>();
  const mismatched = new Set<string>();
  const listed: SeriesMismatch[] = [];
  let omitted = 0;
  let sourceTotal = 0;
  let sinkTotal = 0;
  for (let k = 0; k < windows.count; k++) {
    const startMs = windows.startMs + k * windows.windowMs;
    const endMs = Math.min(windows.endMs, startMs + windows.windowMs);
    let source = 0;
    let sink = 0;
    let inWindow = 0;
    let bad = 0;
    for (const key of keys) {
      const c = series.get(key) as Counts;
      const s = c.source[k] ?? 0;
      const e = c.edges[k] ?? 0;
      const t = c.sink[k] ?? 0;
      if (s === 0 && t === 0) continue;
      inWindow++;
      seen.add(key);
      source += s;
      sink += t;
      if (t === s || (e > 0 && t === s + e)) continue;
      bad++;
      mismatched.add(key);
      if (listed.length < maxMismatches) {
        listed.push(
          create(SeriesMismatchSchema, {
            windowStart: timestampFromMs(startMs),
            windowEnd: timestampFromMs(endMs),
            labels: c.labels,
            sourceSamples: BigInt(s),
            sinkSamples: BigInt(t),
          }),
        );
      } else {
        omitted++;
      }
    }
    sourceTotal += source;
    sinkTotal += sink;
    response.windows.push(
      create(VerifyWindowSchema, {
        start: timestampFromMs(startMs),
        end: timestampFromMs(endMs),
        sourceSamples: BigInt(source),
        sinkSamples: BigInt(sink),
        series: BigInt(inWindow),
        mismatchedSeries: BigInt(bad),
        match: bad === 0,
      }),
    );
  }
  response.match = mismatched.size === 0;
  response.mismatches = listed;
  response.mismatchesOmitted = BigInt(omitted);
  response.sourceSamples = BigInt(sourceTotal);
  response.sinkSamples = BigInt(sinkTotal);
  response.series = BigInt(seen.size);
  response.mismatchedSeries = BigInt(mismatched.size);
  return response;
}

/** Runs `task` over `items` with at most `limit` at a time; the first failure rejects. */
async function forEachLimited<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
