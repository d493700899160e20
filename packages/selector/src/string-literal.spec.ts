import fc from "fast-check";
import { SelectorError } from "./selector-error";
import { quoteString, readStringLiteral } from "./string-literal";

describe("string literals", () => {
  it("reads a literal that starts inside a longer input and reports where it ends", () => {
    expect(readStringLiteral('x="ab"}', 2)).toEqual({ value: "ab", end: 6 });
    expect(readStringLiteral("`a\nb`", 0)).toEqual({ value: "a\nb", end: 5 });
  });

  it("turns octal and hex byte escapes into UTF-8 text", () => {
    expect(readStringLiteral('"\\303\\251\\x21"', 0).value).toBe("é!");
  });

  it("refuses a quote that is not a string", () => {
    expect(() => readStringLiteral("abc", 0)).toThrow(SelectorError);
  });

  it("quoteString round-trips any text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (text) => {
        const quoted = quoteString(text);
        expect(quoted).not.toMatch(/\n/);
        expect(readStringLiteral(quoted, 0)).toEqual({ value: text, end: quoted.length });
      }),
      { numRuns: 1000 },
    );
  });
});
