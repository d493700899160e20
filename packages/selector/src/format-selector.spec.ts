import { create } from "@bufbuild/protobuf";
import { type LabelMatcher, LabelMatcherSchema, MatchType } from "@ferry/api";
import fc from "fast-check";
import { formatSelector } from "./format-selector";
import { parseSelector } from "./parse-selector";
import { SelectorError } from "./selector-error";
import { validateMatchers } from "./validate-matchers";

function m(type: MatchType, name: string, value: string): LabelMatcher {
  return create(LabelMatcherSchema, { type, name, value });
}

describe("formatSelector", () => {
  it("writes the canonical text", () => {
    expect(formatSelector(parseSelector(' up { instance =~ "x.*" , job != `b` , } '))).toBe(
      'up{instance=~"x.*",job!="b"}',
    );
    expect(formatSelector(parseSelector("up"))).toBe("up");
    expect(formatSelector(parseSelector(`{job='a"b\\'c'}`))).toBe('{job="a\\"b\'c"}');
    expect(formatSelector([m(MatchType.EQUAL, "a", "tab\there\x01\\")])).toBe('{a="tab\\there\\x01\\\\"}');
  });

  it("keeps the metric name in braces where PromQL would not read it in front", () => {
    expect(formatSelector([m(MatchType.EQUAL, "__name__", "sum")])).toBe('{__name__="sum"}');
    expect(formatSelector([m(MatchType.EQUAL, "__name__", "a.b")])).toBe('{__name__="a.b"}');
    expect(formatSelector([m(MatchType.REGEX, "__name__", "up|x")])).toBe('{__name__=~"up|x"}');
    expect(formatSelector([m(MatchType.EQUAL, "job", "a"), m(MatchType.EQUAL, "__name__", "up")])).toBe(
      '{job="a",__name__="up"}',
    );
    expect(
      formatSelector([m(MatchType.EQUAL, "__name__", "up"), m(MatchType.NOT_EQUAL, "__name__", "x")]),
    ).toBe('{__name__="up",__name__!="x"}');
  });

  it("refuses a matcher without a type", () => {
    expect(() => formatSelector([m(MatchType.UNSPECIFIED, "a", "b")])).toThrow(SelectorError);
  });

  it("round-trips: parse(format(matchers)) gives the same matchers", () => {
    const labelName = fc.oneof(fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,12}$/), fc.constant("__name__"));
    const anyText = fc.string({ unit: "grapheme", maxLength: 16 });
    const metricLike = fc.stringMatching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,12}$/);
    const regexText = fc.oneof(
      fc.constantFrom(".*", ".+", "a|b", "x.*", "(?i)prod", "[[:digit:]]+", "\\d{2,3}", "[^/]+", ""),
      anyText.map((s) => s.replace(/[\\^$.|?*+()[\]{}]/g, "\\$&")),
    );
    const matcherArb = fc.oneof(
      fc.tuple(
        fc.constantFrom(MatchType.EQUAL, MatchType.NOT_EQUAL),
        labelName,
        fc.oneof(anyText, metricLike),
      ),
      fc.tuple(fc.constantFrom(MatchType.REGEX, MatchType.NOT_REGEX), labelName, regexText),
    );
    fc.assert(
      fc.property(fc.array(matcherArb, { minLength: 1, maxLength: 6 }), (tuples) => {
        const matchers = tuples.map(([type, name, value]) => m(type, name, value));
        try {
          validateMatchers(matchers);
        } catch {
          fc.pre(false);
        }
        const text = formatSelector(matchers);
        const parsed = parseSelector(text);
        expect(parsed.map((x) => [x.type, x.name, x.value])).toEqual(tuples);
        expect(formatSelector(parsed)).toBe(text);
      }),
      { numRuns: 500 },
    );
  });
});
