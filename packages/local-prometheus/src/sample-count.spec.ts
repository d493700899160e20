import { canonicalLabels } from "./canonical-labels";
import { parseSelector } from "./sample-count";

describe("parseSelector", () => {
  it("splits name and matchers", () => {
    expect(parseSelector('up{job="a", instance=~"b.*"}')).toEqual({
      name: "up",
      matchers: 'job="a", instance=~"b.*"',
    });
    expect(parseSelector("ns:rate5m")).toEqual({ name: "ns:rate5m", matchers: "" });
    expect(parseSelector(' {job="a",} ')).toEqual({ matchers: 'job="a"' });
  });

  it("refuses what is not a plain selector", () => {
    expect(() => parseSelector("rate(up[5m])")).toThrow(RangeError);
    expect(() => parseSelector("up offset 5m")).toThrow(RangeError);
    expect(() => parseSelector("")).toThrow(RangeError);
  });
});

describe("canonicalLabels", () => {
  it("sorts names and quotes values", () => {
    expect(canonicalLabels({ b: "2", __name__: "m", a: 'x"y' })).toBe('m{a="x\\"y",b="2"}');
    expect(canonicalLabels({ job: "j" })).toBe('{job="j"}');
  });
});
