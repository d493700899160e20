/**
 * Prometheus matches label values with Go's RE2, fully anchored (`^(?:re)$`). We check and
 * evaluate them with JavaScript's RegExp, translating the RE2 spellings JavaScript lacks and
 * refusing what RE2 would refuse (lookaround, backreferences), so a selector accepted here is
 * one Prometheus accepts too, and matches the same values for the syntax people use.
 */
export class RegexSyntaxError extends Error {
  override readonly name = "RegexSyntaxError";
  constructor(
    /** 0-based offset in the pattern, when known. */
    readonly offset: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\x00-\\x7F",
  blank: "\\t ",
  cntrl: "\\x00-\\x1F\\x7F",
  digit: "0-9",
  graph: "!-~",
  lower: "a-z",
  print: " -~",
  punct: "!-\\/:-@[-`{-~",
  space: "\\t\\n\\v\\f\\r ",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};

const ESCAPE_REWRITES: Readonly<Record<string, string>> = {
  A: "(?<![\\s\\S])",
  z: "(?![\\s\\S])",
};

const UNSUPPORTED_ESCAPES: Readonly<Record<string, string>> = {
  C: "\\C (any byte) is not supported",
  Q: "\\Q…\\E literal text is not supported; escape the characters instead",
  E: "\\E without \\Q is not valid",
  Z: "\\Z is not valid RE2 syntax; use $ or \\z",
};

interface Translated {
  source: string;
  flags: string;
}

/** Compiles `pattern` anchored at both ends, as Prometheus does. */
export function compileAnchoredRegex(pattern: string): RegExp {
  const { source, flags } = translateRe2(pattern);
  // With the m flag JavaScript's ^ and $ would also match at line breaks; RE2 scopes (?m) to the
  // group, so the outer anchors must stay text anchors.
  const anchored = flags.includes("m") ? `(?<![\\s\\S])(?:${source})(?![\\s\\S])` : `^(?:${source})$`;
  try {
    return new RegExp(anchored, `${flags}u`);
  } catch {
    // Unicode mode refuses some escapes RE2 takes (\- or \! outside a class); retry without it,
    // unless a \p class is present, which would then silently mean the letter p.
  }
  if (/\\[pP]/.test(source)) {
    throw new RegexSyntaxError(undefined, "unsupported Unicode class (write \\p{Name})");
  }
  try {
    return new RegExp(anchored, flags);
  } catch (err) {
    throw new RegexSyntaxError(undefined, regExpReason(err));
  }
}

function regExpReason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  // "Invalid regular expression: /^(?:()$/: Unterminated group" → "Unterminated group"
  const cut = text.lastIndexOf(": ");
  return cut >= 0 ? text.slice(cut + 2) : text;
}

function translateRe2(pattern: string): Translated {
  let i = 0;
  let flags = "";
  const leading = /^\(\?([imsU]*)(?:-([imsU]*))?\)/.exec(pattern);
  if (leading) {
    const on = leading[1] ?? "";
    if (on.includes("U")) throw new RegexSyntaxError(0, "the U (ungreedy) flag is not supported");
    flags = [...new Set(on)].join("");
    i = leading[0].length;
  }

  let out = "";
  let inClass = false;
  while (i < pattern.length) {
    const ch = pattern[i] as string;
    if (ch === "\\") {
      const next = pattern[i + 1];
      if (next === undefined) throw new RegexSyntaxError(i, "trailing backslash");
      if (!inClass) {
        const unsupported = UNSUPPORTED_ESCAPES[next];
        if (unsupported !== undefined) throw new RegexSyntaxError(i, unsupported);
        if (next >= "1" && next <= "9") {
          throw new RegexSyntaxError(i, "backreferences are not supported by Prometheus (RE2)");
        }
        const rewrite = ESCAPE_REWRITES[next];
        if (rewrite !== undefined) {
          out += rewrite;
          i += 2;
          continue;
        }
      }
      out += ch + next;
      i += 2;
      continue;
    }
    if (inClass) {
      if (ch === "[" && pattern[i + 1] === ":") {
        const close = pattern.indexOf(":]", i + 2);
        const name = close < 0 ? "" : pattern.slice(i + 2, close);
        if (name.startsWith("^")) {
          throw new RegexSyntaxError(i, `negated POSIX class [:${name}:] is not supported`);
        }
        const range = POSIX_CLASSES[name];
        if (range === undefined) throw new RegexSyntaxError(i, `unknown POSIX class [:${name}:]`);
        out += range;
        i = close + 2;
        continue;
      }
      if (ch === "]") inClass = false;
      out += ch;
      i++;
      continue;
    }
    if (ch === "[") {
      inClass = true;
      out += ch;
      i++;
      // A "]" right after "[" or "[^" is a literal in RE2.
      if (pattern[i] === "^") {
        out += "^";
        i++;
      }
      if (pattern[i] === "]") {
        out += "\\]";
        i++;
      }
      continue;
    }
    if (ch === "(" && pattern[i + 1] === "?") {
      const rest = pattern.slice(i + 2);
      if (/^(?:=|!|<=|<!)/.test(rest)) {
        throw new RegexSyntaxError(i, "lookaround assertions are not supported by Prometheus (RE2)");
      }
      if (rest.startsWith("P<")) {
        out += "(?<";
        i += 4;
        continue;
      }
    }
    out += ch;
    i++;
  }
  return { source: out, flags };
}
