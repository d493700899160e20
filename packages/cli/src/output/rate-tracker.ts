/**
 * Samples written per second over the last few seconds, from the counter values an import
 * reports; the server sends totals, so the rate is the slope over a short sliding window.
 */
export class RateTracker {
  private readonly points: Array<{ atMs: number; written: number }> = [];

  constructor(private readonly windowMs = 10_000) {}

  add(atMs: number, written: bigint | number): void {
    const value = Number(written);
    const last = this.points[this.points.length - 1];
    if (last !== undefined && (atMs < last.atMs || value < last.written)) this.points.length = 0;
    if (last !== undefined && atMs === last.atMs) this.points.pop();
    this.points.push({ atMs, written: value });
    while (this.points.length > 2 && atMs - (this.points[0]?.atMs ?? atMs) > this.windowMs)
      this.points.shift();
  }

  /** Undefined until two points a moment apart are known. */
  rate(): number | undefined {
    const first = this.points[0];
    const last = this.points[this.points.length - 1];
    if (first === undefined || last === undefined || last.atMs <= first.atMs) return undefined;
    return ((last.written - first.written) * 1000) / (last.atMs - first.atMs);
  }
}
