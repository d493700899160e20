import { parseDuration } from "./duration";

/** Thrown for a TIME argument that is none of the accepted forms. */
export class InvalidTimeError extends Error {
  override readonly name = "InvalidTimeError";
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2}))?$/;
const UNIX_SECONDS = /^\d+(?:\.\d+)?$/;
// Year 5138: anything larger is almost certainly milliseconds typed where seconds belong.
const MAX_UNIX_SECONDS = 1e11;
const RELATIVE = /^(?:now)?([+-])(.+)$/i;

export const TIME_FORMS =
  "RFC3339 (2026-01-02T15:04:05Z), unix seconds, now, or relative to now (-24h, -7d, -30m)";

/**
 * Milliseconds since the epoch for a TIME argument: RFC3339 (or a bare date, taken as UTC
 * midnight), unix seconds (fractions allowed), "now", or now plus/minus a duration
 * ("-24h", "-1h30m", "now-7d", "+5m").
 */
export function parseTime(text: string, nowMs: number): number {
  const input = text.trim();
  if (input.toLowerCase() === "now") return nowMs;

  if (UNIX_SECONDS.test(input)) {
    const seconds = Number(input);
    if (seconds >= MAX_UNIX_SECONDS) {
      throw new InvalidTimeError(`${JSON.stringify(text)} is too large for unix seconds (milliseconds?)`);
    }
    return Math.round(seconds * 1000);
  }

  const relative = RELATIVE.exec(input);
  if (relative) {
    const [, sign, amount = ""] = relative;
    if (/^\d+(?:\.\d+)?$/.test(amount)) {
      // "-24" could mean hours as easily as seconds: make people say.
      throw new InvalidTimeError(
        `${JSON.stringify(text)} needs a unit, e.g. ${sign}${amount}h or ${sign}${amount}m`,
      );
    }
    let ms: number;
    try {
      ms = parseDuration(amount);
    } catch (err) {
      throw new InvalidTimeError(`${JSON.stringify(text)} is not a valid time: ${(err as Error).message}`);
    }
    return sign === "-" ? nowMs - ms : nowMs + ms;
  }

  const rfc = RFC3339.exec(input);
  if (rfc) return rfc3339ToMs(text, rfc);

  throw new InvalidTimeError(`${JSON.stringify(text)} is not a valid time; use ${TIME_FORMS}`);
}

function rfc3339ToMs(text: string, match: RegExpExecArray): number {
  const [, y, mo, d, h = "0", mi = "0", s = "0", fraction = "", zone = "Z"] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  const ms = Number(fraction.slice(0, 3).padEnd(3, "0"));
  const local = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const check = new Date(local);
  const fieldsValid =
    check.getUTCFullYear() === year &&
    check.getUTCMonth() === month - 1 &&
    check.getUTCDate() === day &&
    check.getUTCHours() === hour &&
    check.getUTCMinutes() === minute &&
    check.getUTCSeconds() === second;
  if (!fieldsValid) throw new InvalidTimeError(`${JSON.stringify(text)} is not a valid date and time`);

  if (zone === "Z" || zone === "z") return local;
  const zoneSign = zone.startsWith("-") ? -1 : 1;
  const zoneHours = Number(zone.slice(1, 3));
  const zoneMinutes = Number(zone.slice(4, 6));
  if (zoneHours > 23 || zoneMinutes > 59) {
    throw new InvalidTimeError(`${JSON.stringify(text)} has an invalid UTC offset ${zone}`);
  }
  return local - zoneSign * (zoneHours * 60 + zoneMinutes) * 60_000;
}
