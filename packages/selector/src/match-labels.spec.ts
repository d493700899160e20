import { compileMatchers, matchesLabels } from "./match-labels";
import { parseSelector } from "./parse-selector";

describe("matchesLabels", () => {
  const labels = { __name__: "up", job: "node", instance: "10.0.0.1:9100" };

  it.each([
    ["up", true],
    ["down", false],
    ['{job="node"}', true],
    ['{job!="node",__name__="up"}', false],
    ['up{instance=~"10\\\\..*"}', true],
    ['up{instance=~"10"}', false],
    ['up{instance!~"10.*"}', false],
    ['up{zone=""}', true],
    ['up{zone!=""}', false],
    ['up{zone=~"eu.*|"}', true],
    ['up{job=~"(?i)NODE"}', true],
  ])("%s → %s", (selector, expected) => {
    const matchers = parseSelector(selector);
    expect(matchesLabels(matchers, labels)).toBe(expected);
    expect(matchesLabels(matchers, new Map(Object.entries(labels)))).toBe(expected);
    expect(compileMatchers(matchers)(labels)).toBe(expected);
  });

  it("follows edits of a matcher it has already compiled", () => {
    const matchers = parseSelector('{job=~"no.*"}');
    expect(matchesLabels(matchers, labels)).toBe(true);
    const [first] = matchers;
    if (first) first.value = "x.*";
    expect(matchesLabels(matchers, labels)).toBe(false);
  });
});
