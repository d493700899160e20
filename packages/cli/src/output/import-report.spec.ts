import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { ImportState } from "@ferry/api";
import { NOW_MS } from "../testing/cli-harness";
import { importFixture } from "../testing/fixtures";
import { formatImportReport } from "./import-report";
import { formatImportTable } from "./import-table";

describe("formatImportReport", () => {
  it("shows state, duration, counters by reason, average rate and message", () => {
    const imp = importFixture({
      state: ImportState.COMPLETED,
      percent: 100,
      createdAt: timestampFromMs(NOW_MS - 252_000),
      finishedAt: timestampFromMs(NOW_MS),
      message: "done",
    });
    expect(formatImportReport(imp)).toBe(
      [
        "prod/prometheus: Completed after 4m12s",
        "  import     imp-1",
        "  range      2026-11-22T12:00:00Z .. 2026-11-23T12:00:00Z (100.0% done)",
        "  samples    read 1,000,000, written 999,000, rejected 1,000",
        "  rejected   out of bounds 600, out of order 400",
        "  rate       3.96k/s on average",
        "  message    done",
        "",
      ].join("\n"),
    );
  });

  it("says so when read ≠ written + rejected", () => {
    const imp = importFixture({
      state: ImportState.FAILED,
      counters: { samplesRead: 10n, samplesWritten: 5n, samplesRejected: 0n },
    });
    const report = formatImportReport(imp);
    expect(report).toContain("prod/prometheus: Failed after 1m00s");
    expect(report).toContain("unaccounted 5 samples");
    expect(report).not.toContain("rejected   ");
  });
});

describe("formatImportTable", () => {
  it("has one aligned row per import", () => {
    const lines = formatImportTable([
      importFixture(),
      importFixture({ target: "p2", message: "waiting", rate: 48_912, etaSeconds: 192 }),
    ]).split("\n");
    expect(lines[0]).toMatch(
      /^CLUSTER\s+TARGET\s+STATE\s+PROGRESS\s+WRITTEN\s+REJECTED\s+RATE\s+ETA\s+CHECKPOINT\s+UPDATED\s+MESSAGE$/,
    );
    expect(lines[1]).toMatch(
      /^prod\s+prometheus\s+Running\s+40\.0%\s+999,000\s+1,000\s+-\s+-\s+2026-11-22T21:36:00Z/,
    );
    expect(lines[2]).toMatch(/^prod\s+p2\s+Running\s+40\.0%\s+999,000\s+1,000\s+48\.9k\/s\s+3m12s\s+2026-/);
    expect(lines[2]).toMatch(/waiting$/);
  });
});
