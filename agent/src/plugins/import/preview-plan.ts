import { type TimeWindow, WindowPlanner, type WindowPlannerOptions } from "./window-planner";

/**
 * Where a preview reads: `count` windows of `probeMs` spread evenly over [startMs, endMs], the
 * first at the start and the last at the end. A range no longer than `count` probes is read
 * whole, in consecutive windows of `probeMs`, so its figures are exact.
 */
export function placeProbes(startMs: number, endMs: number, probeMs: number, count: number): TimeWindow[] {
  const span = endMs - startMs + 1;
  const probes: TimeWindow[] = [];
  if (span <= probeMs * count) {
    for (let from = startMs; from <= endMs; from += probeMs) {
      probes.push({ startMs: from, endMs: Math.min(endMs, from + probeMs - 1) });
    }
    return probes;
  }
  const gap = count > 1 ? (span - probeMs) / (count - 1) : 0;
  for (let i = 0; i < count; i++) {
    const from = startMs + Math.round(i * gap);
    probes.push({ startMs: from, endMs: from + probeMs - 1 });
  }
  return probes;
}

export interface WindowPlan {
  /** The first windows, at most the number asked for. */
  listed: TimeWindow[];
  /** Windows the whole range takes. */
  total: number;
}

/**
 * The windows an import of [startMs, endMs] would read if the source weighed `bytesPerMs`
 * everywhere: the import's own WindowPlanner, fed the bytes each window would return.
 */
export function planWindows(
  startMs: number,
  endMs: number,
  bytesPerMs: number,
  options: WindowPlannerOptions,
  maxListed: number,
): WindowPlan {
  const planner = new WindowPlanner(startMs, endMs, options);
  const listed: TimeWindow[] = [];
  let total = 0;
  let previousSpan = -1;
  for (let w = planner.next(); w; w = planner.next()) {
    total++;
    if (listed.length < maxListed) listed.push(w);
    const span = w.endMs - w.startMs + 1;
    planner.observe(w, span * bytesPerMs);
    // Two equal full windows in a row: the planner has settled (the density is uniform), so the
    // rest of the range is counted rather than walked (a year at one-minute windows is 500k).
    if (span === previousSpan && listed.length >= maxListed) {
      total += planner.remainingEstimate();
      break;
    }
    previousSpan = span;
  }
  return { listed, total };
}
