import { create } from "@bufbuild/protobuf";
import { timestampFromMs, timestampMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  type ImportProgress,
  ImportProgressSchema,
  ImportState,
  RejectPolicy,
  type RunImport,
} from "@ferry/api";
import { type BatchLimits, DEFAULT_BATCH_LIMITS, SeriesRelabeler } from "@ferry/prompb";
import { matchesLabels } from "@ferry/selector";
import type { Logger } from "pino";
import { Backoff, type BackoffOptions, sleep } from "../../core/backoff";
import type { PushClient } from "../../core/push-client";
import { BatchWriter } from "./batch-writer";
import { Counters } from "./import-counters";
import { type ImportRunMetrics, NO_IMPORT_RUN_METRICS } from "./import-metrics";
import { RateLimiter } from "./rate-limiter";
import { type OpenedRead, RemoteReadError, RemoteReader } from "./remote-reader";
import type { SourceConnections } from "./source-connections";
import type { WindowMemory } from "./window-memory";
import {
  DEFAULT_WINDOW_PLANNER,
  type TimeWindow,
  WindowPlanner,
  type WindowPlannerOptions,
} from "./window-planner";

/** What outlives one run and is shared by the runs of an agent (ImportRuns keeps it). */
export interface AcrossRuns {
  /** Each source's density as a window duration: a run starts at the one its source was last read at. */
  windowMemory?: WindowMemory;
  /** Keep-alive connections to the sources, reused by the next run of the same source. */
  connections?: SourceConnections;
}

export interface ImportRunOptions {
  limits: BatchLimits;
  planner: WindowPlannerOptions;
  /** Write requests in flight per import. */
  concurrency: number;
  /** A window whose reads keep failing this long fails the import. */
  readDeadlineMs: number;
  readTimeoutMs: number;
  readBackoff: BackoffOptions;
  maxResponseBytes: number;
}

export const DEFAULT_IMPORT_RUN: ImportRunOptions = {
  limits: DEFAULT_BATCH_LIMITS,
  planner: DEFAULT_WINDOW_PLANNER,
  concurrency: 4,
  readDeadlineMs: 5 * 60_000,
  readTimeoutMs: 5 * 60_000,
  readBackoff: { initialMs: 500, multiplier: 2, maxMs: 30_000, jitter: 0.2 },
  maxResponseBytes: 512 * 1024 * 1024,
};

/**
 * One import executing on the agent: windows in order, each read from the source and
 * pushed to the gateway; a window's end becomes the checkpoint only once every sample of
 * it is acknowledged. Counters of a window are merged only when the window is done, so a
 * window read again after a failure is not counted twice.
 */
export class ImportRun {
  readonly id: string;
  state = ImportState.RUNNING;
  message = "";
  readonly counters: Counters;
  /** Live view of the windows under way (at most two), shown in progress but not yet committed. */
  private liveCounters: Counters[] = [];
  private checkpointMs: number;
  /** End of the data time range (inclusive). */
  readonly endMs: number;
  private readonly abort = new AbortController();
  private readonly reader: RemoteReader;
  private readonly relabeler: SeriesRelabeler;
  private readonly limiter: RateLimiter;
  private readonly onReject: RejectPolicy;
  private readonly log: Logger;
  private readonly windowMemory: WindowMemory | undefined;
  /** The source as WindowMemory knows it: its endpoint and selectors. */
  private readonly sourceKey: string;

  constructor(
    command: RunImport,
    private readonly push: PushClient,
    logger: Logger,
    private readonly onChange: (run: ImportRun, stateChanged: boolean) => void,
    private readonly options: ImportRunOptions = DEFAULT_IMPORT_RUN,
    private readonly metrics: ImportRunMetrics = NO_IMPORT_RUN_METRICS,
    across: AcrossRuns = {},
  ) {
    this.id = command.importId;
    this.counters = Counters.from(command.counters);
    const startMs = command.start ? timestampMs(command.start) : 0;
    this.checkpointMs = command.checkpoint ? timestampMs(command.checkpoint) : startMs;
    this.endMs = command.end ? timestampMs(command.end) : startMs;
    this.log = logger.child({ import: this.id, target: command.target });
    this.reader = new RemoteReader({
      endpoint: command.endpoint,
      selectors: command.selectors,
      limits: options.limits,
      maxResponseBytes: options.maxResponseBytes,
      timeoutMs: options.readTimeoutMs,
      auth: command.auth,
      connections: across.connections,
    });
    this.windowMemory = across.windowMemory;
    const o = command.options;
    const drops = o?.drop ?? [];
    this.relabeler = new SeriesRelabeler({
      extraLabels: Object.entries(o?.extraLabels ?? {}),
      drop:
        drops.length > 0
          ? (labels) => drops.some((d) => matchesLabels(d.matchers, Object.fromEntries(labels)))
          : undefined,
    });
    this.sourceKey = `${command.endpoint}\n${JSON.stringify(command.selectors)}`;
    this.limiter = new RateLimiter(o?.rateLimit ?? 0);
    this.onReject = o?.onReject ?? RejectPolicy.FAIL;
  }

  /** Start of the data not yet acknowledged: everything before it is in the sink. */
  get checkpoint(): number {
    return this.checkpointMs;
  }

  get isActive(): boolean {
    return this.state === ImportState.RUNNING;
  }

  cancel(reason = "stopped by request"): void {
    if (!this.isActive) return;
    this.abort.abort(new ConnectError(reason, Code.Canceled));
  }

  progress(): ImportProgress {
    const view = new Counters();
    for (const c of [this.counters, ...this.liveCounters]) {
      view.samplesRead += c.samplesRead;
      view.samplesWritten += c.samplesWritten;
      view.bytesRead += c.bytesRead;
      view.bytesWritten += c.bytesWritten;
      for (const [reason, n] of c.rejected) view.reject(reason, n);
    }
    view.windowsDone = this.counters.windowsDone;
    view.windowsTotal = this.counters.windowsTotal;
    return create(ImportProgressSchema, {
      importId: this.id,
      state: this.state,
      checkpoint: timestampFromMs(this.checkpointMs),
      counters: view.toProto(),
      checkpointCounters: this.counters.toProto(),
      message: this.message,
    });
  }

  async run(): Promise<void> {
    const plannerOptions = this.options.planner;
    const planner = new WindowPlanner(this.checkpointMs, this.endMs, {
      ...plannerOptions,
      initialMs: this.windowMemory?.initialMs(this.sourceKey, plannerOptions) ?? plannerOptions.initialMs,
    });
    this.log.info({ from: this.checkpointMs, to: this.endMs }, "import started");
    let window = planner.next();
    let prefetched: Promise<OpenedRead> | undefined;
    // Windows read but not committed yet, oldest first (at most two). While a window's last
    // pushes are acknowledged the next one is read and written (its writer waits where they
    // share series), and the older one is committed as soon as all of its pushes are answered.
    const open: WrittenWindow[] = [];
    let committing: Promise<void> | undefined;
    try {
      while (window) {
        const current = window;
        // Once this window's response is consumed its size sizes the next one, whose request
        // then goes out while this window's last writes are still being acknowledged.
        const onConsumed = (bytes: number) => {
          planner.observe(current, bytes);
          const ideal = planner.idealDurationMs;
          if (ideal !== undefined) this.windowMemory?.remember(this.sourceKey, ideal);
          window = planner.next();
          prefetched = window ? this.prefetch(window) : undefined;
        };
        const written = await this.runWindow(current, prefetched, onConsumed, open.at(-1));
        open.push(written);
        await committing;
        committing = this.commitWhenWritten(written, open, () =>
          window ? 1 + planner.remainingEstimate() : 0,
        );
        committing.catch(() => undefined);
      }
      await committing;
      this.finish(ImportState.COMPLETED, "");
    } catch (error) {
      void prefetched?.then(
        (opened) => opened.cancel(),
        () => undefined,
      );
      await committing?.catch(() => undefined);
      // What was sent stays counted: the import ends here and its counters must add up.
      for (const written of open.splice(0)) {
        await written.writer.settle();
        this.commit(written.delta);
      }
      if (this.abort.signal.aborted)
        this.finish(ImportState.CANCELED, ConnectError.from(this.abort.signal.reason).rawMessage);
      else this.finish(ImportState.FAILED, explain(error));
    } finally {
      // A pool of its own would idle on for 30 s; Prometheus serves at most 512 connections
      // (--web.max-connections), which back-to-back imports with a pool each used up.
      this.reader.close();
    }
  }

  /**
   * Waits until every push of a read window is answered, then commits it (its end becomes the
   * checkpoint) and takes it off `open`. Throws what the writer failed with.
   */
  private async commitWhenWritten(
    written: WrittenWindow,
    open: WrittenWindow[],
    windowsAfter: () => number,
  ): Promise<void> {
    await written.writer.drain();
    open.splice(open.indexOf(written), 1);
    this.commit(written.delta);
    this.checkpointMs = written.window.endMs + 1;
    this.counters.windowsDone++;
    this.counters.windowsTotal = this.counters.windowsDone + open.length + windowsAfter();
    this.onChange(this, false);
  }

  private prefetch(window: TimeWindow): Promise<OpenedRead> {
    const opened = this.reader.open(window, this.abort.signal);
    // A failed prefetch is retried by runWindow; never let it count as unhandled meanwhile.
    opened.catch(() => undefined);
    return opened;
  }

  private finish(state: ImportState, message: string): void {
    this.state = state;
    this.message = message;
    this.liveCounters = [];
    this.log.info({ state: ImportState[state], message, counters: this.counters }, "import ended");
    this.onChange(this, true);
  }

  /**
   * Reads one window and hands its batches to a writer, retrying reads up to the deadline;
   * returns once the window is read, its pushes maybe still in flight. On failure, what was sent
   * is settled and counted before the error goes on.
   */
  private async runWindow(
    window: TimeWindow,
    prefetched: Promise<OpenedRead> | undefined,
    onConsumed: (bytes: number) => void,
    previous: WrittenWindow | undefined,
  ): Promise<WrittenWindow> {
    const backoff = new Backoff(this.options.readBackoff);
    const giveUpAt = Date.now() + this.options.readDeadlineMs;
    let opening = prefetched;
    let delta: Counters | undefined;
    for (;;) {
      const failed = delta;
      delta = new Counters();
      this.liveCounters = [...this.liveCounters.filter((c) => c !== failed), delta];
      const writer = new BatchWriter(this.push, delta, {
        importId: this.id,
        concurrency: this.options.concurrency,
        onReject: this.onReject,
        limiter: this.limiter,
        signal: this.abort.signal,
        metrics: this.metrics,
        after: previous?.writer,
      });
      try {
        const opened = await (opening ?? this.reader.open(window, this.abort.signal));
        opening = undefined;
        const result = await opened.consume((batch) => {
          const kept = this.relabeler.isNoop ? batch : this.relabeler.apply(batch);
          return kept ? writer.write(kept) : Promise.resolve();
        });
        delta.bytesRead = result.bytes;
        this.metrics.bytesRead(result.bytes);
        onConsumed(result.bytes);
        return { window, writer, delta };
      } catch (error) {
        opening = undefined;
        await writer.settle();
        const retry =
          !this.abort.signal.aborted &&
          error instanceof RemoteReadError &&
          error.retryable &&
          Date.now() < giveUpAt;
        if (!retry) {
          // What was sent stays counted: the import ends here and its counters must add up.
          this.commit(delta);
          throw error;
        }
        this.metrics.readRetried();
        this.log.warn({ err: error.message }, "remote read failed; retrying the window");
        await sleep(backoff.next(), this.abort.signal);
      }
    }
  }

  private commit(delta: Counters): void {
    this.counters.samplesRead += delta.samplesRead;
    this.counters.samplesWritten += delta.samplesWritten;
    this.counters.bytesRead += delta.bytesRead;
    this.counters.bytesWritten += delta.bytesWritten;
    for (const [reason, n] of delta.rejected) this.counters.reject(reason, n);
    this.liveCounters = this.liveCounters.filter((c) => c !== delta);
  }
}

/** A window whose response was read and handed to `writer`; `delta` counts what it sent. */
interface WrittenWindow {
  window: TimeWindow;
  writer: BatchWriter;
  delta: Counters;
}

function explain(error: unknown): string {
  if (error instanceof RemoteReadError) return error.message;
  if (error instanceof ConnectError) return `gateway: ${error.rawMessage}`;
  if (error instanceof Error) return error.message;
  return String(error);
}
