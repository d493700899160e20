import { compileAnchoredRegex, RegexSyntaxError } from "./re2-regex";

describe("compileAnchoredRegex", () => {
  it("anchors at both ends, as Prometheus does", () => {
    const re = compileAnchoredRegex("a|b");
    expect(re.test("a")).toBe(true);
    expect(re.test("b")).toBe(true);
    expect(re.test("ab")).toBe(false);
    expect(compileAnchoredRegex("x.*").test("yx")).toBe(false);
  });

  it("translates RE2 spellings JavaScript lacks", () => {
    expect(compileAnchoredRegex("(?i)prod").test("PROD")).toBe(true);
    expect(compileAnchoredRegex("(?s)a.b").test("a\nb")).toBe(true);
    expect(compileAnchoredRegex("a.b").test("a\nb")).toBe(false);
    expect(compileAnchoredRegex("(?P<x>a)b").test("ab")).toBe(true);
    expect(compileAnchoredRegex("[[:digit:]]+").test("123")).toBe(true);
    expect(compileAnchoredRegex("[[:alpha:]_]+").test("a_b")).toBe(true);
    expect(compileAnchoredRegex("[]a]+").test("]a")).toBe(true);
    expect(compileAnchoredRegex("\\Aab\\z").test("ab")).toBe(true);
    expect(compileAnchoredRegex("a\\-b").test("a-b")).toBe(true);
    expect(compileAnchoredRegex("\\p{L}+").test("héllo")).toBe(true);
  });

  it("keeps (?m) from turning the outer anchors into line anchors", () => {
    const re = compileAnchoredRegex("(?m)a$");
    expect(re.test("a")).toBe(true);
    expect(re.test("a\nb")).toBe(false);
  });

  it("matches whole code points with .", () => {
    expect(compileAnchoredRegex(".").test("😀")).toBe(true);
  });

  it.each([
    ["(", /Unterminated group/],
    ["a(?=b)", /lookaround/],
    ["(?<!a)b", /lookaround/],
    ["(a)\\1", /backreferences/],
    ["\\Qa.b\\E", /\\Q/],
    ["(?U)a+", /ungreedy/],
    ["[[:nope:]]", /unknown POSIX class/],
    ["[[:^digit:]]", /negated POSIX class/],
    ["\\pL\\-", /Unicode class/],
  ])("refuses %j", (pattern, message) => {
    expect(() => compileAnchoredRegex(pattern)).toThrow(RegexSyntaxError);
    expect(() => compileAnchoredRegex(pattern)).toThrow(message);
  });
});
