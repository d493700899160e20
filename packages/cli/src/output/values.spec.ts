import { ImportState } from "@ferry/api";
import {
  formatCompact,
  formatCount,
  formatElapsed,
  formatEta,
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

  it("formats an ETA in whole seconds, rounded up", () => {
    expect(formatEta(192)).toBe("3m12s");
    expect(formatEta(191.2)).toBe("3m12s");
    expect(formatEta(41.5)).toBe("42s");
    expect(formatEta(0.2)).toBe("1s");
    expect(formatEta(0)).toBe("0s");
    expect(formatEta(2 * 3600 + 5 * 60)).toBe("2h05m");
    expect(formatEta(3 * 86_400 + 3600)).toBe("3d01h");
    expect(formatEta(undefined)).toBe("-");
    expect(formatEta(Number.POSITIVE_INFINITY)).toBe("-");
    expect(formatEta(-1)).toBe("-");
  });

  it("names states and knows which are final", () => {
    expect(stateName(ImportState.COMPLETED)).toBe("Completed");
    expect([ImportState.COMPLETED, ImportState.FAILED, ImportState.CANCELED].every(isFinalState)).toBe(true);
    expect([ImportState.PENDING, ImportState.RUNNING, ImportState.UNSPECIFIED].some(isFinalState)).toBe(
      false,
    );
  });
});
