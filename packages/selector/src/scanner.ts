import { MatchType } from "@ferry/api";
import { SelectorError } from "./selector-error";
import { readStringLiteral } from "./string-literal";

export type Token =
  | { kind: "identifier"; text: string; pos: number }
  | { kind: "string"; value: string; pos: number; end: number }
  | { kind: "operator"; type: MatchType; text: string; pos: number }
  | { kind: "punctuation"; text: "{" | "}" | ","; pos: number }
  | { kind: "end"; pos: number };

const IDENTIFIER_START = /[a-zA-Z_:]/;
const IDENTIFIER_REST = /[a-zA-Z0-9_:]/;
const WHITESPACE = /[ \t\r\n]/;

const OPERATORS: ReadonlyArray<readonly [string, MatchType]> = [
  ["=~", MatchType.REGEX],
  ["!~", MatchType.NOT_REGEX],
  ["!=", MatchType.NOT_EQUAL],
  ["=", MatchType.EQUAL],
];

/** Splits a series selector into tokens, one at a time, the way PromQL's lexer does. */
export class Scanner {
  private pos = 0;

  constructor(readonly input: string) {}

  next(): Token {
    this.skipSpaceAndComments();
    const start = this.pos;
    const ch = this.input[start];
    if (ch === undefined) return { kind: "end", pos: start };

    if (ch === "{" || ch === "}" || ch === ",") {
      this.pos++;
      return { kind: "punctuation", text: ch, pos: start };
    }
    if (ch === '"' || ch === "'" || ch === "`") {
      const literal = readStringLiteral(this.input, start);
      this.pos = literal.end;
      return { kind: "string", value: literal.value, pos: start, end: literal.end };
    }
    if (IDENTIFIER_START.test(ch)) {
      let end = start + 1;
      while (end < this.input.length && IDENTIFIER_REST.test(this.input[end] as string)) end++;
      this.pos = end;
      return { kind: "identifier", text: this.input.slice(start, end), pos: start };
    }
    if (this.input.startsWith("==", start)) {
      throw new SelectorError("syntax", this.input, start, 'unexpected "==", label matchers use "="');
    }
    for (const [text, type] of OPERATORS) {
      if (this.input.startsWith(text, start)) {
        this.pos += text.length;
        return { kind: "operator", type, text, pos: start };
      }
    }
    throw new SelectorError("syntax", this.input, start, `unexpected character ${JSON.stringify(ch)}`);
  }

  private skipSpaceAndComments(): void {
    for (;;) {
      const ch = this.input[this.pos];
      if (ch === undefined) return;
      if (WHITESPACE.test(ch)) {
        this.pos++;
      } else if (ch === "#") {
        const eol = this.input.indexOf("\n", this.pos);
        this.pos = eol < 0 ? this.input.length : eol + 1;
      } else {
        return;
      }
    }
  }
}

export function describeToken(token: Token): string {
  switch (token.kind) {
    case "end":
      return "end of input";
    case "string":
      return "a string";
    case "identifier":
      return JSON.stringify(token.text);
    case "operator":
    case "punctuation":
      return JSON.stringify(token.text);
  }
}
