import { type LabelMatcher, MatchType } from "@ferry/api";
import { canWriteAsMetricIdentifier, METRIC_NAME_LABEL } from "./label-names";
import { SelectorError } from "./selector-error";
import { quoteString } from "./string-literal";

const OPERATOR_TEXT: Readonly<Record<MatchType, string | undefined>> = {
  [MatchType.UNSPECIFIED]: undefined,
  [MatchType.EQUAL]: "=",
  [MatchType.NOT_EQUAL]: "!=",
  [MatchType.REGEX]: "=~",
  [MatchType.NOT_REGEX]: "!~",
};

/**
 * Canonical PromQL text for matchers, in their order: a leading `__name__="x"` is written as
 * the metric name in front when PromQL allows it there, values are double-quoted, no spaces.
 * parseSelector(formatSelector(m)) gives `m` back.
 */
export function formatSelector(matchers: readonly LabelMatcher[]): string {
  const [first, ...rest] = matchers;
  const nameInFront =
    first !== undefined &&
    first.type === MatchType.EQUAL &&
    first.name === METRIC_NAME_LABEL &&
    canWriteAsMetricIdentifier(first.value) &&
    !rest.some((m) => m.name === METRIC_NAME_LABEL);
  if (!nameInFront) return `{${matchers.map(formatMatcher).join(",")}}`;
  return rest.length === 0 ? first.value : `${first.value}{${rest.map(formatMatcher).join(",")}}`;
}

export function formatMatcher(matcher: LabelMatcher): string {
  const op = OPERATOR_TEXT[matcher.type];
  if (op === undefined) {
    throw new SelectorError(
      "syntax",
      "",
      undefined,
      `matcher for label ${JSON.stringify(matcher.name)} has no match type`,
    );
  }
  return `${matcher.name}${op}${quoteString(matcher.value)}`;
}
