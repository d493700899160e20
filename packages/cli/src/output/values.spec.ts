import { ImportState } from "@ferry/api";
import {
  formatCompact,
  formatCount,
  formatElapsed,
  formatRate,
  formatTime,
  isFinalState,
  stateName,
} from "./values";

describe("value formatting", () => {
  it("formats times as RFC3339 UTC", () => {
    expect(formatTime(Date.UTC(2026, 10, 1))).toBe("2026-11-01T00:00:00Z");
    expect(formatTime(Date.UTC(2026, 10, 1, 0, 0, 0, 5))).toBe("2026-11-01T00:00:00.005Z");
    expect(formatTime(undefined)).toBe("-");
  });

  it("formats counts, compact counts and rates", () => {
    expect(formatCount(12_345_678n)).toBe("12,345,678");
    expect(formatCompact(999)).toBe("999");
    expect(formatCompact(1234)).toBe("1.23k");
    expect(formatCompact(48_900)).toBe("48.9k");
    expect(formatCompact(1_230_000n)).toBe("1.23M");
    expect(formatCompact(512_000_000)).toBe("512M");
    expect(formatRate(48_912)).toBe("48.9k/s");
    expect(formatRate(undefined)).toBe("-");
  });

  it("formats elapsed time", () => {
    expect(formatElapsed(850)).toBe("850ms");
    expect(formatElapsed(42_000)).toBe("42s");
    expect(formatElapsed(252_000)).toBe("4m12s");
    expect(formatElapsed(3 * 3_600_000 + 5 * 60_000)).toBe("3h05m");
    expect(formatElapsed(52 * 3_600_000)).toBe("2d04h");
    expect(formatElapsed(undefined)).toBe("-");
  });

  it("names states and knows which are final", () => {
    expect(stateName(ImportState.COMPLETED)).toBe("Completed");
    expect([ImportState.COMPLETED, ImportState.FAILED, ImportState.CANCELED].every(isFinalState)).toBe(true);
    expect([ImportState.PENDING, ImportState.RUNNING, ImportState.UNSPECIFIED].some(isFinalState)).toBe(
      false,
    );
  });
});
