import type { SeriesResponse } from "@ferry/api";
import { formatSeriesLabels } from "./query-table";
import { formatTable } from "./table";

/** One row per series, written as PromQL would select it. */
export function formatSeriesTable(response: SeriesResponse): string {
  return formatTable(
    ["SERIES"],
    response.series.map((s) => [formatSeriesLabels(s.labels)]),
  );
}
