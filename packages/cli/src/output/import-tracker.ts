import type { Import, ImportState } from "@ferry/api";
import { RateTracker } from "./rate-tracker";
import { isFinalState, optionalMs } from "./values";

export type ImportEvent =
  /** A live import moved: `stateChanged` on its first sighting and on every state change. */
  | { kind: "progress"; imp: Import; stateChanged: boolean; rate: number | undefined }
  /** It reached a final state; `watchedEnd` is false when it was already final at first sight. */
  | { kind: "finished"; imp: Import; watchedEnd: boolean }
  /** Nothing new: a repeat of a final state already shown. */
  | { kind: "unchanged"; imp: Import };

interface Entry {
  state: ImportState;
  finished: boolean;
  rate: RateTracker;
}

/** Turns the stream of import states into the events a display shows, one import at a time. */
export class ImportTracker {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number) {}

  observe(imp: Import): ImportEvent {
    const final = isFinalState(imp.state);
    let entry = this.entries.get(imp.id);
    if (entry === undefined) {
      entry = { state: imp.state, finished: final, rate: new RateTracker() };
      this.entries.set(imp.id, entry);
      if (final) return { kind: "finished", imp, watchedEnd: false };
      entry.rate.add(this.sampleTime(imp), imp.counters?.samplesWritten ?? 0n);
      return { kind: "progress", imp, stateChanged: true, rate: rateOf(imp, entry.rate) };
    }

    const stateChanged = entry.state !== imp.state;
    entry.state = imp.state;
    if (final) {
      if (entry.finished && !stateChanged) return { kind: "unchanged", imp };
      const watchedEnd = !entry.finished;
      entry.finished = true;
      return { kind: "finished", imp, watchedEnd };
    }
    entry.finished = false;
    entry.rate.add(this.sampleTime(imp), imp.counters?.samplesWritten ?? 0n);
    return { kind: "progress", imp, stateChanged, rate: rateOf(imp, entry.rate) };
  }

  // The server's update time measures the counters best; our clock stands in when it is unset.
  private sampleTime(imp: Import): number {
    return optionalMs(imp.updatedAt) ?? this.now();
  }
}

/** The agent's own rate when the server passes one on; else the slope of the totals seen here. */
function rateOf(imp: Import, tracker: RateTracker): number | undefined {
  return imp.rate > 0 ? imp.rate : tracker.rate();
}
