import { create } from "@bufbuild/protobuf";
import { type Any, anyUnpack, timestampFromMs } from "@bufbuild/protobuf/wkt";
import { type ImportProgress, ImportProgressSchema, ImportState } from "@ferry/api";
import { ProgressReporter, type ReportedRun } from "./progress-reporter";

const HOUR = 3600_000;

/** A run over 10 h of data whose checkpoint the test moves by hand. */
class StubRun implements ReportedRun {
  checkpoint = 0;
  readonly endMs = 10 * HOUR;
  state = ImportState.RUNNING;
  get isActive(): boolean {
    return this.state === ImportState.RUNNING;
  }
  progress(): ImportProgress {
    return create(ImportProgressSchema, {
      importId: "imp-1",
      state: this.state,
      checkpoint: timestampFromMs(this.checkpoint),
    });
  }
}

describe("ProgressReporter", () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it("sends an ETA while the run is under way, from how fast its checkpoint moves, and none at the end", () => {
    const run = new StubRun();
    const sent: ImportProgress[] = [];
    const reporter = new ProgressReporter(run, (body: Any) => {
      const progress = anyUnpack(body, ImportProgressSchema);
      if (progress) sent.push(progress);
      return true;
    });
    reporter.changed(true);
    expect(sent[0]?.etaSeconds).toBeUndefined();

    // 1 h of data every 2 s, for 10 s: 5 h done, 5 h left → 10 s.
    for (let i = 1; i <= 5; i++) {
      jest.advanceTimersByTime(2000);
      run.checkpoint = i * HOUR;
      reporter.changed(false);
    }
    expect(sent.at(-1)?.etaSeconds).toBeCloseTo(10);

    run.checkpoint = run.endMs + 1;
    run.state = ImportState.COMPLETED;
    reporter.changed(true);
    expect(sent.at(-1)?.state).toBe(ImportState.COMPLETED);
    expect(sent.at(-1)?.etaSeconds).toBeUndefined();
    reporter.stop();
  });
});
