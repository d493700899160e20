import { type LabelMatcher, MatchType } from "@ferry/api";
import { compileAnchoredRegex, RegexSyntaxError } from "./re2-regex";
import { SelectorError } from "./selector-error";

/** A series' labels; a label that is absent has the value "" (as in Prometheus). */
export type Labels = Readonly<Record<string, string>> | ReadonlyMap<string, string>;

export type LabelsPredicate = (labels: Labels) => boolean;

type ValuePredicate = (value: string) => boolean;

interface CompiledMatcher {
  type: MatchType;
  value: string;
  predicate: ValuePredicate;
}

// Messages are mutable, so a cached test is reused only while type and value are unchanged.
const compiled = new WeakMap<LabelMatcher, CompiledMatcher>();

/** The test one matcher applies to a label value; throws SelectorError for a bad regex or type. */
export function valuePredicate(matcher: LabelMatcher): ValuePredicate {
  const cached = compiled.get(matcher);
  if (cached !== undefined && cached.type === matcher.type && cached.value === matcher.value) {
    return cached.predicate;
  }
  const predicate = buildValuePredicate(matcher);
  compiled.set(matcher, { type: matcher.type, value: matcher.value, predicate });
  return predicate;
}

function buildValuePredicate(matcher: LabelMatcher): ValuePredicate {
  const expected = matcher.value;
  switch (matcher.type) {
    case MatchType.EQUAL:
      return (value) => value === expected;
    case MatchType.NOT_EQUAL:
      return (value) => value !== expected;
    case MatchType.REGEX: {
      const re = compileMatcherRegex(matcher);
      return (value) => re.test(value);
    }
    case MatchType.NOT_REGEX: {
      const re = compileMatcherRegex(matcher);
      return (value) => !re.test(value);
    }
    default:
      throw new SelectorError(
        "syntax",
        "",
        undefined,
        `matcher for label ${JSON.stringify(matcher.name)} has no match type`,
      );
  }
}

function compileMatcherRegex(matcher: LabelMatcher): RegExp {
  try {
    return compileAnchoredRegex(matcher.value);
  } catch (err) {
    if (!(err instanceof RegexSyntaxError)) throw err;
    throw new SelectorError(
      "invalid_regex",
      "",
      undefined,
      `invalid regular expression ${JSON.stringify(matcher.value)} for label ${JSON.stringify(matcher.name)}: ${err.message}`,
    );
  }
}

function labelValue(labels: Labels, name: string): string {
  if (labels instanceof Map) return labels.get(name) ?? "";
  return (labels as Readonly<Record<string, string>>)[name] ?? "";
}

/** A reusable test for many series: every matcher must hold (they are ANDed). */
export function compileMatchers(matchers: readonly LabelMatcher[]): LabelsPredicate {
  const tests = matchers.map((m) => [m.name, valuePredicate(m)] as const);
  return (labels) => tests.every(([name, test]) => test(labelValue(labels, name)));
}

/** True when the series with these labels is selected by every matcher. */
export function matchesLabels(matchers: readonly LabelMatcher[], labels: Labels): boolean {
  return matchers.every((m) => valuePredicate(m)(labelValue(labels, m.name)));
}

/** True when a series without this label would be selected by the matcher. */
export function matchesEmpty(matcher: LabelMatcher): boolean {
  return valuePredicate(matcher)("");
}
