import { create } from "@bufbuild/protobuf";
import { LabelMatcherSchema, MatchType, type QueryResponse } from "@ferry/api";
import { formatSelector } from "@ferry/selector";
import { formatTable } from "./table";
import { formatTime } from "./values";

/** `up{instance="a",job="b"}`: the metric name in front, the other labels sorted. */
export function formatSeriesLabels(labels: Readonly<Record<string, string>>): string {
  const names = Object.keys(labels).sort((a, b) =>
    a === "__name__" ? -1 : b === "__name__" ? 1 : a < b ? -1 : 1,
  );
  if (names.length === 0) return "{}";
  return formatSelector(
    names.map((name) =>
      create(LabelMatcherSchema, { type: MatchType.EQUAL, name, value: labels[name] ?? "" }),
    ),
  );
}

/** Prometheus spells the special values this way in its API. */
export function formatSampleValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}

/** One row per sample: SERIES, TIME, VALUE. */
export function formatQueryTable(response: QueryResponse): string {
  const rows = response.series.flatMap((series) => {
    const name = formatSeriesLabels(series.labels);
    return series.samples.map((s) => [name, formatTime(Number(s.timestampMs)), formatSampleValue(s.value)]);
  });
  return formatTable(["SERIES", "TIME", "VALUE"], rows);
}
