export interface TimeWindow {
  /** Inclusive, as remote read's start_timestamp_ms. */
  startMs: number;
  /** Inclusive, as remote read's end_timestamp_ms. */
  endMs: number;
}

export interface WindowPlannerOptions {
  /** Uncompressed response bytes a window should come close to. */
  targetBytes: number;
  initialMs: number;
  minMs: number;
  maxMs: number;
}

export const DEFAULT_WINDOW_PLANNER: WindowPlannerOptions = {
  targetBytes: 16 * 1024 * 1024,
  initialMs: 30 * 60_000,
  minMs: 60_000,
  maxMs: 24 * 3600_000,
};

/**
 * Cuts [fromMs, toMs] into consecutive windows sized by what the responses weigh, not by
 * a fixed duration: each window's duration follows from the bytes per millisecond of
 * the last one, at most doubling or halving at a step, so dense and sparse sources both
 * run near the byte target and memory stays bounded.
 */
export class WindowPlanner {
  private cursor: number;
  private durationMs: number;
  private idealMs: number | undefined;

  constructor(
    fromMs: number,
    private readonly toMs: number,
    private readonly options: WindowPlannerOptions = DEFAULT_WINDOW_PLANNER,
  ) {
    this.cursor = fromMs;
    this.durationMs = options.initialMs;
  }

  get done(): boolean {
    return this.cursor > this.toMs;
  }

  next(): TimeWindow | undefined {
    if (this.done) return undefined;
    const endMs = Math.min(this.toMs, this.cursor + this.durationMs - 1);
    const window = { startMs: this.cursor, endMs };
    this.cursor = endMs + 1;
    return window;
  }

  /**
   * The duration that the last window's bytes per millisecond put at the byte target, within
   * [minMs, maxMs]; undefined before the first response with any bytes. Unlike the next window's
   * duration it is not held to twice the last window, so a short window says what a long one
   * would weigh.
   */
  get idealDurationMs(): number | undefined {
    return this.idealMs;
  }

  /** Windows still to come at the current duration. */
  remainingEstimate(): number {
    return this.done ? 0 : Math.ceil((this.toMs - this.cursor + 1) / this.durationMs);
  }

  /** Tells the planner what the window just read weighed. */
  observe(window: TimeWindow, responseBytes: number): void {
    const span = window.endMs - window.startMs + 1;
    const ideal = responseBytes > 0 ? (span * this.options.targetBytes) / responseBytes : span * 2;
    const { minMs, maxMs } = this.options;
    const bounded = Math.min(span * 2, Math.max(span / 2, ideal));
    this.durationMs = Math.round(Math.min(maxMs, Math.max(minMs, bounded)));
    // An empty response says nothing of the density: the last one that did still stands.
    if (responseBytes > 0) this.idealMs = Math.round(Math.min(maxMs, Math.max(minMs, ideal)));
  }
}
