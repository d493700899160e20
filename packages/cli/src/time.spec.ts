import { InvalidTimeError, parseTime } from "./time";

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
const H = 3_600_000;

describe("parseTime", () => {
  it.each<[string, number]>([
    ["now", NOW],
    ["NOW", NOW],
    ["-24h", NOW - 24 * H],
    ["-7d", NOW - 7 * 24 * H],
    ["-30m", NOW - 30 * 60_000],
    ["-1h30m", NOW - 1.5 * H],
    ["now-2h", NOW - 2 * H],
    ["+15m", NOW + 15 * 60_000],
    ["-90s", NOW - 90_000],
    ["-1w", NOW - 7 * 24 * H],
  ])("relative %s", (text, expected) => {
    expect(parseTime(text, NOW)).toBe(expected);
  });

  it.each<[string, number]>([
    ["1700000000", 1_700_000_000_000],
    ["1700000000.25", 1_700_000_000_250],
    ["0", 0],
  ])("unix seconds %s", (text, expected) => {
    expect(parseTime(text, NOW)).toBe(expected);
  });

  it.each<[string, number]>([
    ["2026-11-01T00:00:00Z", Date.UTC(2026, 10, 1)],
    ["2026-11-01T00:00:00.123456Z", Date.UTC(2026, 10, 1, 0, 0, 0, 123)],
    ["2026-11-01t10:20:30z", Date.UTC(2026, 10, 1, 10, 20, 30)],
    ["2026-11-01T02:00:00+02:00", Date.UTC(2026, 10, 1)],
    ["2026-10-31T19:30:00-04:30", Date.UTC(2026, 10, 1)],
    ["2026-11-01 00:00:00Z", Date.UTC(2026, 10, 1)],
    ["2026-11-01", Date.UTC(2026, 10, 1)],
    ["2024-02-29T00:00:00Z", Date.UTC(2024, 1, 29)],
  ])("RFC3339 %s", (text, expected) => {
    expect(parseTime(text, NOW)).toBe(expected);
  });

  it.each([
    ["yesterday", /not a valid time; use RFC3339/],
    ["", /not a valid time/],
    ["-24", /needs a unit, e.g. -24h/],
    ["-24x", /not a duration/],
    ["-", /not a valid time/],
    ["2026-13-01T00:00:00Z", /not a valid date and time/],
    ["2026-02-30T00:00:00Z", /not a valid date and time/],
    ["2026-11-01T24:00:00Z", /not a valid date and time/],
    ["2026-11-01T00:00:00", /not a valid time/],
    ["2026-11-01T00:00:00+25:00", /invalid UTC offset/],
    ["1700000000000", /milliseconds/],
  ])("refuses %j", (text, message) => {
    expect(() => parseTime(text, NOW)).toThrow(InvalidTimeError);
    expect(() => parseTime(text, NOW)).toThrow(message);
  });
});
