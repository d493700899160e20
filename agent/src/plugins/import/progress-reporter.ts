import { type Any, anyPack } from "@bufbuild/protobuf/wkt";
import { ImportProgressSchema } from "@ferry/api";
import { EtaEstimator } from "./eta-estimator";
import type { ImportRun } from "./import-run";

const RATE_WINDOW_MS = 5000;

/** What the reporter reads of a run. */
export type ReportedRun = Pick<ImportRun, "progress" | "checkpoint" | "endMs" | "isActive">;

/**
 * Sends an import's progress to the gateway at most every `intervalMs`, and state changes
 * at once; computes the write rate over the last few seconds and, while running, the ETA.
 */
export class ProgressReporter {
  private lastSentMs = 0;
  /** Whether the link took the last progress sent (false while it is down). */
  private lastDelivered = true;
  private timer: NodeJS.Timeout | undefined;
  private readonly history: Array<[number, number]> = [];
  private readonly eta: EtaEstimator;

  constructor(
    private readonly run: ReportedRun,
    private readonly send: (body: Any) => boolean,
    private readonly intervalMs = 500,
  ) {
    this.eta = new EtaEstimator(run.endMs);
    this.eta.observe(Date.now(), run.checkpoint);
  }

  changed(stateChanged: boolean): void {
    const now = Date.now();
    // Every checkpoint advance comes through here: its time is taken now, not at the next flush.
    this.eta.observe(now, this.run.checkpoint);
    if (stateChanged || now - this.lastSentMs >= this.intervalMs) {
      this.flush();
      return;
    }
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs - (now - this.lastSentMs));
  }

  /** Sends the current progress now. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.lastSentMs = Date.now();
    this.lastDelivered = this.send(anyPack(ImportProgressSchema, this.snapshot()));
  }

  /** Whether the last progress sent reached the link; after a final state, whether the gateway can have heard it. */
  get delivered(): boolean {
    return this.lastDelivered;
  }

  snapshot() {
    const progress = this.run.progress();
    progress.rate = this.rate(Number(progress.counters?.samplesWritten ?? 0n));
    if (this.run.isActive) {
      const now = Date.now();
      this.eta.observe(now, this.run.checkpoint);
      progress.etaSeconds = this.eta.etaSeconds(now);
    }
    return progress;
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private rate(written: number): number {
    const now = Date.now();
    this.history.push([now, written]);
    while (this.history.length > 2 && (this.history[0]?.[0] ?? now) < now - RATE_WINDOW_MS)
      this.history.shift();
    const [t0, w0] = this.history[0] ?? [now, written];
    return now > t0 ? ((written - w0) * 1000) / (now - t0) : 0;
  }
}
