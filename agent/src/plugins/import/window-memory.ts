import type { WindowPlannerOptions } from "./window-planner";

/** How far past the planner's own first window a remembered one may start: 4 × 30 min. */
const MAX_GROWTH = 4;
const MAX_SOURCES = 256;

/**
 * The window duration that each source's (endpoint and selectors) last response put at the byte
 * target (WindowPlanner.idealDurationMs), so that the next import of it starts there instead of
 * at the planner's first window: an import resumed after a failure or a reconnect, or a migration
 * cut into pieces, does not ramp up again, and a dense source whose response weighs more than the
 * byte target is not read with the default first window again (a SAMPLES response is held
 * whole). It is the density that is remembered, not the last window's length: after an import of
 * one minute, the next import of a day does not start at two minutes. Kept in memory, for the
 * most recent sources.
 */
export class WindowMemory {
  private readonly durations = new Map<string, number>();

  constructor(private readonly maxSources = MAX_SOURCES) {}

  /** The first window's duration for `source`: remembered, within [minMs, MAX_GROWTH × initialMs]. */
  initialMs(source: string, options: WindowPlannerOptions): number {
    const remembered = this.durations.get(source);
    if (remembered === undefined) return options.initialMs;
    return Math.min(options.initialMs * MAX_GROWTH, Math.max(options.minMs, remembered));
  }

  /** Notes the duration at which `source`'s last response would have met the byte target. */
  remember(source: string, durationMs: number): void {
    // Re-inserted, so the map's order is that of use and the oldest source goes first.
    this.durations.delete(source);
    this.durations.set(source, durationMs);
    if (this.durations.size > this.maxSources) {
      const oldest = this.durations.keys().next().value;
      if (oldest !== undefined) this.durations.delete(oldest);
    }
  }
}
