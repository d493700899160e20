import { create } from "@bufbuild/protobuf";
import { LabelMatcherSchema, MatchType } from "@ferry/api";
import { SelectorError } from "./selector-error";
import { validateMatchers } from "./validate-matchers";

const m = (type: MatchType, name: string, value: string) => create(LabelMatcherSchema, { type, name, value });

describe("validateMatchers", () => {
  it("accepts matchers parseSelector would produce", () => {
    expect(() =>
      validateMatchers([m(MatchType.EQUAL, "__name__", "up"), m(MatchType.REGEX, "a", ".*")]),
    ).not.toThrow();
  });

  it.each([
    [[m(MatchType.UNSPECIFIED, "job", "a")], "syntax", /matcher 0 \("job"\) has no match type/],
    [
      [m(MatchType.EQUAL, "job", "a"), m(MatchType.EQUAL, "a-b", "x")],
      "invalid_label_name",
      /matcher 1: invalid label name "a-b"/,
    ],
    [[m(MatchType.REGEX, "job", "(")], "invalid_regex", /invalid regular expression "\(" for label "job"/],
    [[m(MatchType.REGEX, "job", ".*")], "matches_empty", /does not match the empty string/],
    [[], "matches_empty", /does not match the empty string/],
  ])("refuses %#", (matchers, reason, message) => {
    try {
      validateMatchers(matchers);
      throw new Error("expected an error");
    } catch (err) {
      expect(err).toBeInstanceOf(SelectorError);
      const e = err as SelectorError;
      expect(e.reason).toBe(reason);
      expect(e.position).toBeUndefined();
      expect(e.message).toMatch(message);
    }
  });
});
