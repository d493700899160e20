export interface EtaEstimatorOptions {
  /** Wall-clock span over which the checkpoint's speed is measured. */
  windowMs: number;
  /** No estimate until the import has been watched this long. */
  minSpanMs: number;
}

// The checkpoint moves in steps (one per time window, seconds apart): the span must hold several.
export const DEFAULT_ETA_ESTIMATOR: EtaEstimatorOptions = { windowMs: 30_000, minSpanMs: 5_000 };

/**
 * Estimates how long an import has left from how fast its checkpoint (the acknowledged end of
 * its data time range) advanced over the last `windowMs` of wall-clock time, stalls included:
 * remaining data time / data time per second. Unknown (undefined) in the first seconds, and when
 * the checkpoint did not move within the window (paused by rate limiting, stalled on a sink
 * outage or a failing source).
 */
export class EtaEstimator {
  /** Wall-clock instants at which the checkpoint took a value; the first is where watching began. */
  private readonly points: Array<{ atMs: number; checkpointMs: number }> = [];

  constructor(
    private readonly endMs: number,
    private readonly options: EtaEstimatorOptions = DEFAULT_ETA_ESTIMATOR,
  ) {}

  observe(atMs: number, checkpointMs: number): void {
    const last = this.points[this.points.length - 1];
    if (last !== undefined && (atMs < last.atMs || checkpointMs < last.checkpointMs)) this.points.length = 0;
    else if (last !== undefined && checkpointMs === last.checkpointMs) return;
    this.points.push({ atMs, checkpointMs });
    // Keep one point at or before the window's start: it gives the checkpoint there.
    while ((this.points[1]?.atMs ?? atMs) <= atMs - this.options.windowMs) this.points.shift();
  }

  /** Seconds left as of `nowMs`, or undefined while unknown. */
  etaSeconds(nowMs: number): number | undefined {
    const first = this.points[0];
    const last = this.points[this.points.length - 1];
    if (first === undefined || last === undefined) return undefined;
    if (last.checkpointMs >= this.endMs) return 0;
    const span = Math.min(nowMs - first.atMs, this.options.windowMs);
    if (span < this.options.minSpanMs) return undefined;
    const windowStart = nowMs - span;
    let atStart = first.checkpointMs;
    for (const p of this.points) {
      if (p.atMs > windowStart) break;
      atStart = p.checkpointMs;
    }
    const advanced = last.checkpointMs - atStart;
    if (advanced <= 0) return undefined;
    return ((this.endMs - last.checkpointMs) * span) / advanced / 1000;
  }
}
