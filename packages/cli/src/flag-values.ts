import { parseSelector, SelectorError } from "@ferry/selector";
import { InvalidDurationError, parseDuration } from "./duration";
import { UsageError } from "./errors";
import { InvalidTimeError, parseTime } from "./time";

/** Flag values that need parsing, turned into UsageErrors that name the flag. */

export function timeFlag(flag: string, text: string, nowMs: number): number {
  try {
    return parseTime(text, nowMs);
  } catch (err) {
    if (err instanceof InvalidTimeError) throw new UsageError(`invalid ${flag}: ${err.message}`);
    throw err;
  }
}

export function durationFlag(flag: string, text: string): number {
  try {
    return parseDuration(text);
  } catch (err) {
    if (err instanceof InvalidDurationError) throw new UsageError(`invalid ${flag}: ${err.message}`);
    throw err;
  }
}

/** Checks each selector now, for an early, precise error; the server gets the text as typed. */
export function selectorFlags(flag: string, texts: readonly string[]): string[] {
  for (const text of texts) {
    try {
      parseSelector(text);
    } catch (err) {
      if (err instanceof SelectorError)
        throw new UsageError(`invalid ${flag} ${JSON.stringify(text)}: ${err.message}`);
      throw err;
    }
  }
  return [...texts];
}

export function httpUrlFlag(flag: string, text: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new UsageError(`invalid ${flag} ${JSON.stringify(text)}: expected an http:// or https:// URL`);
  }
  return text;
}

/** Commander's collector for repeatable flags (--match a --match b). */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
