import { create } from "@bufbuild/protobuf";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { type CountSamples, type SampleCounts, SampleCountsSchema } from "@ferry/api";
import {
  type BatchLimits,
  type Label,
  type SampleVisitor,
  SeriesRelabeler,
  scanWriteRequest,
} from "@ferry/prompb";
import { matchesLabels } from "@ferry/selector";
import { RemoteReadError, RemoteReader } from "./remote-reader";
import { WindowPlanner, type WindowPlannerOptions } from "./window-planner";

export interface SampleCounterOptions {
  limits: BatchLimits;
  /** Sizes the reads (not the counted windows): responses stay near its byte target. */
  planner: WindowPlannerOptions;
  readTimeoutMs: number;
  maxResponseBytes: number;
}

interface SeriesTally {
  labels: readonly Label[];
  counts: number[];
  edges: number[];
}

/**
 * Counts, for verify, the source's samples per series in consecutive windows
 * [start + k·W, start + (k+1)·W) up to end, with the series' labels as the import writes them
 * (extra labels added, dropped series left out). Stale markers are not counted: count_over_time
 * at the sink does not see them. Per window k it also counts the samples at exactly its
 * start − 1 ms (the edge), which a sink with range selectors closed on the left (Prometheus 2.x,
 * Cortex) counts in window k too; so the read starts 1 ms before `start`.
 */
export class SampleCounter {
  constructor(private readonly options: SampleCounterOptions) {}

  async count(command: CountSamples, signal: AbortSignal): Promise<SampleCounts> {
    const { startMs, endMs, windowMs } = requireWindows(command);
    const windows = Math.ceil((endMs - startMs) / windowMs);
    const reader = new RemoteReader({
      endpoint: command.endpoint,
      selectors: command.selectors,
      limits: this.options.limits,
      maxResponseBytes: this.options.maxResponseBytes,
      timeoutMs: this.options.readTimeoutMs,
      auth: command.auth,
    });
    const relabeler = relabelerFor(command);
    const tallies = new Map<string, SeriesTally>();
    let current: SeriesTally | undefined;
    const visitor: SampleVisitor = {
      series(labels) {
        const key = JSON.stringify(labels);
        current = tallies.get(key);
        if (!current) {
          current = { labels, counts: new Array(windows).fill(0), edges: new Array(windows).fill(0) };
          tallies.set(key, current);
        }
      },
      sample(t, stale) {
        if (stale || !current) return;
        const offset = t - startMs;
        if (offset >= 0 && offset < endMs - startMs) {
          const k = Math.floor(offset / windowMs);
          current.counts[k] = (current.counts[k] ?? 0) + 1;
        }
        // The sample at window k's start − 1 ms is window k's edge.
        const next = offset + 1;
        if (next >= 0 && next % windowMs === 0 && next / windowMs < windows) {
          const k = next / windowMs;
          current.edges[k] = (current.edges[k] ?? 0) + 1;
        }
      },
    };

    // Remote read ranges are inclusive at both ends: [start − 1, end − 1].
    const planner = new WindowPlanner(startMs - 1, endMs - 1, this.options.planner);
    for (let window = planner.next(); window; window = planner.next()) {
      try {
        const opened = await reader.open(window, signal);
        const result = await opened.consume(async (batch) => {
          const kept = relabeler.isNoop ? batch : relabeler.apply(batch);
          if (kept) scanWriteRequest(kept.body, visitor);
        });
        planner.observe(window, result.bytes);
      } catch (error) {
        if (error instanceof RemoteReadError) throw new ConnectError(error.message, Code.Unavailable);
        throw error;
      }
    }

    const keys = [...tallies.keys()].sort();
    return create(SampleCountsSchema, {
      series: keys.map((key) => {
        const tally = tallies.get(key) as SeriesTally;
        return {
          labels: tally.labels.map(([name, value]) => ({ name, value })),
          counts: tally.counts.map(BigInt),
          edgeCounts: tally.edges.map(BigInt),
        };
      }),
    });
  }
}

function requireWindows(command: CountSamples): { startMs: number; endMs: number; windowMs: number } {
  if (!command.start) throw invalid("start", "is required");
  if (!command.end) throw invalid("end", "is required");
  const startMs = timestampMs(command.start);
  const endMs = timestampMs(command.end);
  if (endMs <= startMs) throw invalid("end", "must be after start");
  const windowMs = Number(command.windowMs);
  if (!Number.isSafeInteger(windowMs) || windowMs <= 0) throw invalid("window_ms", "must be positive");
  return { startMs, endMs, windowMs };
}

function invalid(field: string, problem: string): ConnectError {
  return new ConnectError(`${field}: ${problem}`, Code.InvalidArgument);
}

/** The same relabeling an import run applies before writing. */
function relabelerFor(command: CountSamples): SeriesRelabeler {
  const drops = command.options?.drop ?? [];
  return new SeriesRelabeler({
    extraLabels: Object.entries(command.options?.extraLabels ?? {}),
    drop:
      drops.length > 0
        ? (labels) => drops.some((d) => matchesLabels(d.matchers, Object.fromEntries(labels)))
        : undefined,
  });
}
