const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * Words the PromQL lexer turns into keywords or numbers. A metric name spelled like one
 * is written inside the braces (`{__name__="sum"}`), where Prometheus always accepts it.
 */
const PROMQL_WORDS = new Set([
  "and",
  "or",
  "unless",
  "atan2",
  "sum",
  "avg",
  "count",
  "min",
  "max",
  "group",
  "stddev",
  "stdvar",
  "topk",
  "bottomk",
  "count_values",
  "quantile",
  "limitk",
  "limit_ratio",
  "offset",
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "bool",
  "start",
  "end",
  "step",
  "range",
  "smoothed",
  "anchored",
  "inf",
  "nan",
]);

export const METRIC_NAME_LABEL = "__name__";

export function isValidLabelName(name: string): boolean {
  return LABEL_NAME.test(name);
}

export function isValidMetricName(name: string): boolean {
  return METRIC_NAME.test(name);
}

/** True when `name` can stand before the braces, as in `up{job="x"}`. */
export function canWriteAsMetricIdentifier(name: string): boolean {
  return isValidMetricName(name) && !PROMQL_WORDS.has(name.toLowerCase());
}
