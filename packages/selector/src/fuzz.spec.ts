// Hostile selector text and matcher messages: parsed and validated, or refused with a
// SelectorError; never another error (a RegExp SyntaxError, a RangeError from a deep input).
import { create } from "@bufbuild/protobuf";
import { LabelMatcherSchema, MatchType } from "@ferry/api";
import fc from "fast-check";
import { formatSelector } from "./format-selector";
import { parseSelector } from "./parse-selector";
import { SelectorError } from "./selector-error";
import { validateMatchers } from "./validate-matchers";

function selectorErrorOrOk(check: () => unknown): void {
  try {
    check();
  } catch (err) {
    if (!(err instanceof SelectorError)) throw err;
  }
}

/** Pieces of PromQL selector syntax, so random joins reach past the first token. */
const piece = fc.oneof(
  fc.constantFrom(
    "{",
    "}",
    ",",
    "=",
    "!=",
    "=~",
    "!~",
    '"',
    "'",
    "`",
    "\\",
    "up",
    "__name__",
    "job",
    " ",
    ".*",
    ".+",
    "(",
    ")",
    "[",
    "]",
    "[[:alpha:]]",
    "(?i)",
    "(?U)",
    "\\p{L}",
    "\\1",
    "\\Q",
    "\\x{41}",
    "\\u00e9",
    "\\777",
    "a{2,}",
    "(?=x)",
    "\n",
  ),
  fc.string({ maxLength: 6 }),
);
const selectorLike = fc.array(piece, { maxLength: 20 }).map((parts) => parts.join(""));

describe("selector parsing takes any input", () => {
  it("parses or refuses with a SelectorError, and what it parses formats back to the same matchers", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: "binary", maxLength: 80 }), selectorLike),
        (text) => {
          let parsed: ReturnType<typeof parseSelector> | undefined;
          selectorErrorOrOk(() => {
            parsed = parseSelector(text);
          });
          if (parsed) expect(parseSelector(formatSelector(parsed))).toEqual(parsed);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("validates any matcher message or refuses it with a SelectorError", () => {
    const matcher = fc
      .record({
        type: fc.integer({ min: -1, max: 6 }),
        name: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("__name__", "job", "")),
        value: fc.oneof(fc.string({ maxLength: 20 }), selectorLike),
      })
      .map((m) => create(LabelMatcherSchema, { ...m, type: m.type as MatchType }));
    fc.assert(
      fc.property(fc.array(matcher, { maxLength: 4 }), (matchers) => {
        selectorErrorOrOk(() => validateMatchers(matchers));
      }),
      { numRuns: 1000 },
    );
  });

  it("refuses a deeply nested regex without overflowing the stack", () => {
    selectorErrorOrOk(() => parseSelector(`{job=~"${"(".repeat(50_000)}a${")".repeat(50_000)}"}`));
    expect(() =>
      validateMatchers([create(LabelMatcherSchema, { type: MatchType.REGEX, name: "a", value: "(" })]),
    ).toThrow(SelectorError);
  });
});
