/** Milliseconds as decimal seconds with exactly three decimals, by integer arithmetic (no float rounding). */
export function formatSeconds(ms: number): string {
  if (!Number.isSafeInteger(ms))
    throw new RangeError(`timestamp must be an integer of milliseconds, got ${ms}`);
  const sign = ms < 0 ? "-" : "";
  const abs = Math.abs(ms);
  const rem = abs % 1000;
  return `${sign}${(abs - rem) / 1000}.${rem < 10 ? "00" : rem < 100 ? "0" : ""}${rem}`;
}

/** Decimal seconds, as the query API returns them, to integer milliseconds. */
export function parseSeconds(seconds: number | string): number {
  return Math.round(Number(seconds) * 1000);
}
