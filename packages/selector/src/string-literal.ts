import { SelectorError } from "./selector-error";

export interface StringLiteral {
  value: string;
  /** Offset just past the closing quote. */
  end: number;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
};

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads the string literal whose opening quote is at `start`, as PromQL's lexer and
 * strconv-style unquoting do: in "…" and '…' the escapes \a \b \f \n \r \t \v \\, the
 * opening quote, \ooo (3 octal digits), \xHH, \uHHHH and \UHHHHHHHH; a raw newline ends
 * nothing and is an error. In `…` every character stands for itself. \ooo and \xHH are
 * bytes, so consecutive ones may form one UTF-8 character (\xc3\xa9 is "é").
 */
export function readStringLiteral(input: string, start: number): StringLiteral {
  const quote = input[start];
  if (quote === "`") {
    const close = input.indexOf("`", start + 1);
    if (close < 0) throw new SelectorError("invalid_string", input, start, "unterminated raw string");
    return { value: input.slice(start + 1, close), end: close + 1 };
  }
  if (quote !== '"' && quote !== "'") {
    throw new SelectorError("syntax", input, start, "expected a quoted string");
  }

  let value = "";
  let bytes: number[] = [];
  let bytesAt = start;
  const flushBytes = (): void => {
    if (bytes.length === 0) return;
    try {
      value += utf8.decode(Uint8Array.from(bytes));
    } catch {
      throw new SelectorError(
        "invalid_string",
        input,
        bytesAt,
        "byte escape sequences do not form valid UTF-8 text",
      );
    }
    bytes = [];
  };

  let i = start + 1;
  for (;;) {
    const ch = input[i];
    if (ch === undefined || ch === "\n") {
      throw new SelectorError("invalid_string", input, start, "unterminated quoted string");
    }
    if (ch === quote) {
      flushBytes();
      return { value, end: i + 1 };
    }
    if (ch !== "\\") {
      flushBytes();
      value += ch;
      i++;
      continue;
    }

    const escapeAt = i;
    const kind = input[i + 1];
    if (kind === undefined) {
      throw new SelectorError("invalid_string", input, escapeAt, "escape sequence not terminated");
    }
    const simple = kind === quote ? quote : SIMPLE_ESCAPES[kind];
    if (simple !== undefined) {
      flushBytes();
      value += simple;
      i += 2;
      continue;
    }
    const numeric = readNumericEscape(input, escapeAt, kind);
    if (numeric.isByte) {
      if (bytes.length === 0) bytesAt = escapeAt;
      bytes.push(numeric.value);
    } else {
      flushBytes();
      value += String.fromCodePoint(numeric.value);
    }
    i = numeric.end;
  }
}

interface NumericEscape {
  value: number;
  isByte: boolean;
  end: number;
}

function readNumericEscape(input: string, escapeAt: number, kind: string): NumericEscape {
  let digits: number;
  let base: number;
  let max: number;
  let first: number;
  if (kind >= "0" && kind <= "7") {
    [digits, base, max, first] = [3, 8, 255, escapeAt + 1];
  } else if (kind === "x") {
    [digits, base, max, first] = [2, 16, 255, escapeAt + 2];
  } else if (kind === "u") {
    [digits, base, max, first] = [4, 16, 0x10ffff, escapeAt + 2];
  } else if (kind === "U") {
    [digits, base, max, first] = [8, 16, 0x10ffff, escapeAt + 2];
  } else {
    throw new SelectorError(
      "invalid_string",
      input,
      escapeAt,
      `unknown escape sequence ${JSON.stringify(`\\${kind}`)}`,
    );
  }

  let value = 0;
  for (let k = 0; k < digits; k++) {
    const ch = input[first + k];
    const digit = ch === undefined ? Number.NaN : Number.parseInt(ch, base);
    if (Number.isNaN(digit)) {
      throw new SelectorError(
        "invalid_string",
        input,
        escapeAt,
        ch === undefined || ch === "\n"
          ? "escape sequence not terminated"
          : `illegal character ${JSON.stringify(ch)} in escape sequence`,
      );
    }
    value = value * base + digit;
  }
  if (value > max || (value >= 0xd800 && value < 0xe000)) {
    throw new SelectorError(
      "invalid_string",
      input,
      escapeAt,
      "escape sequence is an invalid Unicode code point",
    );
  }
  return { value, isByte: max === 255, end: first + digits };
}

const QUOTE_ESCAPES: Readonly<Record<string, string>> = {
  "\\": "\\\\",
  '"': '\\"',
  "\x07": "\\a",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\v": "\\v",
};

/** Double-quoted PromQL text for `value`; readStringLiteral gives `value` back. */
export function quoteString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const escaped = QUOTE_ESCAPES[ch];
    if (escaped !== undefined) {
      out += escaped;
      continue;
    }
    const code = ch.codePointAt(0) ?? 0;
    out += code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, "0")}` : ch;
  }
  return `${out}"`;
}
