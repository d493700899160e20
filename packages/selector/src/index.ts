// Public face of @ferry/selector: PromQL series selectors ⇄ LabelMatcher[].
export { formatMatcher, formatSelector } from "./format-selector";
export { isValidLabelName, isValidMetricName } from "./label-names";
export { compileMatchers, type Labels, type LabelsPredicate, matchesLabels } from "./match-labels";
export { parseSelector } from "./parse-selector";
export { SelectorError, type SelectorErrorReason } from "./selector-error";
export { validateMatchers } from "./validate-matchers";
