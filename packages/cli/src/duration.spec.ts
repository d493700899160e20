import { InvalidDurationError, parseDuration } from "./duration";

describe("parseDuration", () => {
  it.each<[string, number]>([
    ["15", 15_000],
    ["0.5", 500],
    ["250ms", 250],
    ["30s", 30_000],
    ["5m", 300_000],
    ["1h30m", 5_400_000],
    ["1.5h", 5_400_000],
    ["2d", 172_800_000],
    ["1w", 604_800_000],
    ["1y", 31_536_000_000],
  ])("%s → %d ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(["", "0", "0s", "5 m", "m", "5M", "1h-5m", "abc"])("refuses %j", (text) => {
    expect(() => parseDuration(text)).toThrow(InvalidDurationError);
  });
});
