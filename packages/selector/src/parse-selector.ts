import { create } from "@bufbuild/protobuf";
import { type LabelMatcher, LabelMatcherSchema, MatchType } from "@ferry/api";
import { isValidLabelName, METRIC_NAME_LABEL } from "./label-names";
import { matchesEmpty, valuePredicate } from "./match-labels";
import { describeToken, Scanner, type Token } from "./scanner";
import { SelectorError } from "./selector-error";

/**
 * Parses one PromQL series selector (`up`, `{job="a"}`, `up{instance=~"x.*",job!="b"}`) into
 * its matchers, a metric name becoming the first `__name__` matcher as in Prometheus.
 * Throws SelectorError for bad syntax, label names or regexes, and for a selector that would
 * match every series (each matcher matches the empty string), which Prometheus refuses.
 */
export function parseSelector(input: string): LabelMatcher[] {
  const scanner = new Scanner(input);
  let token = scanner.next();
  let metricName: Extract<Token, { kind: "identifier" }> | undefined;
  if (token.kind === "identifier") {
    metricName = token;
    token = scanner.next();
  }

  let matchers: LabelMatcher[] = [];
  if (token.kind === "punctuation" && token.text === "{") {
    matchers = parseMatcherList(scanner);
    token = scanner.next();
  } else if (metricName === undefined) {
    throw new SelectorError(
      "syntax",
      input,
      token.pos,
      `expected a metric name or "{", found ${describeToken(token)}`,
    );
  }
  if (token.kind !== "end") {
    throw new SelectorError(
      "syntax",
      input,
      token.pos,
      `unexpected ${describeToken(token)} after the selector`,
    );
  }

  if (metricName !== undefined) {
    const inner = matchers.find((m) => m.name === METRIC_NAME_LABEL);
    if (inner !== undefined) {
      throw new SelectorError(
        "duplicate_metric_name",
        input,
        metricName.pos,
        `metric name must not be set twice: ${JSON.stringify(metricName.text)} or ${JSON.stringify(inner.value)}`,
      );
    }
    matchers.unshift(matcher(MatchType.EQUAL, METRIC_NAME_LABEL, metricName.text));
  }
  if (matchers.every(matchesEmpty)) {
    throw new SelectorError(
      "matches_empty",
      input,
      0,
      'selector must contain at least one matcher that does not match the empty string (a metric name, job="x", job=~".+")',
    );
  }
  return matchers;
}

/** Parses the matchers after "{" up to and including "}"; a trailing comma is allowed. */
function parseMatcherList(scanner: Scanner): LabelMatcher[] {
  const input = scanner.input;
  const matchers: LabelMatcher[] = [];
  for (;;) {
    const name = scanner.next();
    if (name.kind === "punctuation" && name.text === "}") return matchers;
    if (name.kind !== "identifier") {
      throw new SelectorError(
        "syntax",
        input,
        name.pos,
        `expected a label name or "}", found ${describeToken(name)}`,
      );
    }
    if (!isValidLabelName(name.text)) {
      throw new SelectorError(
        "invalid_label_name",
        input,
        name.pos,
        `invalid label name ${JSON.stringify(name.text)}: must match [a-zA-Z_][a-zA-Z0-9_]*`,
      );
    }
    const op = scanner.next();
    if (op.kind !== "operator") {
      throw new SelectorError(
        "syntax",
        input,
        op.pos,
        `expected one of "=", "!=", "=~", "!~" after label ${JSON.stringify(name.text)}, found ${describeToken(op)}`,
      );
    }
    const value = scanner.next();
    if (value.kind !== "string") {
      throw new SelectorError(
        "syntax",
        input,
        value.pos,
        `expected a quoted string after ${JSON.stringify(name.text)}${op.text}, found ${describeToken(value)}`,
      );
    }
    const m = matcher(op.type, name.text, value.value);
    try {
      valuePredicate(m);
    } catch (err) {
      if (err instanceof SelectorError) throw new SelectorError(err.reason, input, value.pos, err.detail);
      throw err;
    }
    matchers.push(m);

    const separator = scanner.next();
    if (separator.kind === "punctuation" && separator.text === "}") return matchers;
    if (!(separator.kind === "punctuation" && separator.text === ",")) {
      throw new SelectorError(
        "syntax",
        input,
        separator.pos,
        `expected "," or "}", found ${describeToken(separator)}`,
      );
    }
  }
}

function matcher(type: MatchType, name: string, value: string): LabelMatcher {
  return create(LabelMatcherSchema, { type, name, value });
}
