const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  y: 365 * 86_400_000,
};

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)/y;

export class InvalidDurationError extends Error {
  override readonly name = "InvalidDurationError";
}

/**
 * Milliseconds in a Prometheus-style duration: one or more number+unit parts ("30s", "1h30m",
 * "1.5h"; units ms s m h d w y), or a bare number of seconds ("15"). Must be positive.
 */
export function parseDuration(text: string): number {
  const input = text.trim();
  if (/^\d+(?:\.\d+)?$/.test(input)) return positive(text, Number(input) * 1000);
  if (input === "") throw new InvalidDurationError("empty duration");

  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < input.length) {
    const at = PART.lastIndex;
    const part = PART.exec(input);
    if (!part) {
      throw new InvalidDurationError(
        `${JSON.stringify(text)} is not a duration (expected e.g. 30s, 5m, 1h30m, 7d; error at ${JSON.stringify(input.slice(at))})`,
      );
    }
    total += Number(part[1]) * (UNIT_MS[part[2] as string] ?? 0);
  }
  return positive(text, total);
}

function positive(text: string, ms: number): number {
  const rounded = Math.round(ms);
  if (!(rounded > 0)) throw new InvalidDurationError(`${JSON.stringify(text)} must be longer than zero`);
  return rounded;
}
