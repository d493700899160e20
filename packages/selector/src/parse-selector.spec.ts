import { MatchType } from "@ferry/api";
import { parseSelector } from "./parse-selector";
import { SelectorError, type SelectorErrorReason } from "./selector-error";

function plain(input: string): Array<[MatchType, string, string]> {
  return parseSelector(input).map((m) => [m.type, m.name, m.value]);
}

function failure(input: string): SelectorError {
  try {
    parseSelector(input);
  } catch (err) {
    if (err instanceof SelectorError) return err;
    throw err;
  }
  throw new Error(`expected ${input} to be refused`);
}

describe("parseSelector", () => {
  it("turns a bare metric name into a __name__ matcher", () => {
    expect(plain("up")).toEqual([[MatchType.EQUAL, "__name__", "up"]]);
    expect(plain("node:cpu:rate5m")).toEqual([[MatchType.EQUAL, "__name__", "node:cpu:rate5m"]]);
  });

  it("reads every operator, in order, with the metric name first", () => {
    expect(plain('up{instance=~"x.*",job!="b",env="p",zone!~"eu-.*"}')).toEqual([
      [MatchType.EQUAL, "__name__", "up"],
      [MatchType.REGEX, "instance", "x.*"],
      [MatchType.NOT_EQUAL, "job", "b"],
      [MatchType.EQUAL, "env", "p"],
      [MatchType.NOT_REGEX, "zone", "eu-.*"],
    ]);
  });

  it("accepts braces alone, whitespace, comments and a trailing comma", () => {
    expect(plain('{job="a"}')).toEqual([[MatchType.EQUAL, "job", "a"]]);
    expect(plain(' \n up \t{ job = "a" , \n instance =~ "b" , } ')).toEqual([
      [MatchType.EQUAL, "__name__", "up"],
      [MatchType.EQUAL, "job", "a"],
      [MatchType.REGEX, "instance", "b"],
    ]);
    expect(plain("up{} # everything up")).toEqual([[MatchType.EQUAL, "__name__", "up"]]);
    expect(plain('{__name__="up"}')).toEqual([[MatchType.EQUAL, "__name__", "up"]]);
  });

  it("unquotes all three string forms as PromQL does", () => {
    expect(plain(`{a="x\\"y\\\\z\\n\\t"}`)).toEqual([[MatchType.EQUAL, "a", 'x"y\\z\n\t']]);
    expect(plain(`{a='it\\'s "fine"'}`)).toEqual([[MatchType.EQUAL, "a", `it's "fine"`]]);
    expect(plain("{a=`C:\\dir\\n`}")).toEqual([[MatchType.EQUAL, "a", "C:\\dir\\n"]]);
    expect(plain(`{a="\\u00e9\\U0001F600\\x41\\101\\xc3\\xa9"}`)).toEqual([[MatchType.EQUAL, "a", "é😀AAé"]]);
    expect(plain('{a="ü"}')).toEqual([[MatchType.EQUAL, "a", "ü"]]);
  });

  it.each<[string, SelectorErrorReason, number, RegExp]>([
    ["", "syntax", 0, /expected a metric name or "\{", found end of input/],
    ["{}", "matches_empty", 0, /at least one matcher that does not match the empty string/],
    ['{job=~".*"}', "matches_empty", 0, /does not match the empty string/],
    ['{job=~".*",env!="x"}', "matches_empty", 0, /empty string/],
    ['{job="a"', "syntax", 8, /expected "," or "}", found end of input/],
    ['{job="a" env="b"}', "syntax", 9, /expected "," or "}", found "env"/],
    ["{job=a}", "syntax", 5, /expected a quoted string after "job"=, found "a"/],
    ["{job}", "syntax", 4, /expected one of "=", "!=", "=~", "!~" after label "job"/],
    ['{job=="a"}', "syntax", 4, /unexpected "==", label matchers use "="/],
    ["{,}", "syntax", 1, /expected a label name or "}", found ","/],
    ['{job="a",,}', "syntax", 9, /expected a label name or "}", found ","/],
    ['{1job="a"}', "syntax", 1, /unexpected character "1"/],
    ['{a:b="a"}', "invalid_label_name", 1, /invalid label name "a:b"/],
    ["up{} x", "syntax", 5, /unexpected "x" after the selector/],
    ["up[5m]", "syntax", 2, /unexpected character "\["/],
    ['{job=~"("}', "invalid_regex", 6, /invalid regular expression "\(" for label "job"/],
    ['{job=~"(?=a)b"}', "invalid_regex", 6, /lookaround/],
    ['up{__name__="x"}', "duplicate_metric_name", 0, /metric name must not be set twice: "up" or "x"/],
    ['{a="x', "invalid_string", 3, /unterminated quoted string/],
    ['{a="x\ny"}', "invalid_string", 3, /unterminated quoted string/],
    ["{a=`x", "invalid_string", 3, /unterminated raw string/],
    ['{a="\\q"}', "invalid_string", 4, /unknown escape sequence "\\\\q"/],
    [`{a="\\'"}`, "invalid_string", 4, /unknown escape sequence/],
    ['{a="\\x4"}', "invalid_string", 4, /illegal character "\\"" in escape sequence/],
    ['{a="\\ud800"}', "invalid_string", 4, /invalid Unicode code point/],
    ['{a="\\400"}', "invalid_string", 4, /invalid Unicode code point/],
    ['{a="\\xff"}', "invalid_string", 4, /do not form valid UTF-8/],
  ])("refuses %j (%s at %d)", (input, reason, position, message) => {
    const err = failure(input);
    expect(err.reason).toBe(reason);
    expect(err.position).toBe(position);
    expect(err.input).toBe(input);
    expect(err.detail).toMatch(message);
    expect(err.message).toBe(`column ${position + 1}: ${err.detail}`);
  });

  it("accepts a regex matcher when another matcher selects something", () => {
    expect(plain('{job=~".*",env="p"}')).toHaveLength(2);
    expect(plain('{job=~".+"}')).toEqual([[MatchType.REGEX, "job", ".+"]]);
    expect(plain('{job!=""}')).toEqual([[MatchType.NOT_EQUAL, "job", ""]]);
  });
});
