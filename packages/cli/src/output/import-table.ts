import type { Import } from "@ferry/api";
import { formatTable } from "./table";
import { formatCount, formatEta, formatPercent, formatRate, formatTimestamp, stateName } from "./values";

const HEADERS = [
  "CLUSTER",
  "TARGET",
  "STATE",
  "PROGRESS",
  "WRITTEN",
  "REJECTED",
  "RATE",
  "ETA",
  "CHECKPOINT",
  "UPDATED",
  "MESSAGE",
];

export function formatImportTable(imports: readonly Import[]): string {
  return formatTable(
    HEADERS,
    imports.map((imp) => [
      imp.clusterId,
      imp.target,
      stateName(imp.state),
      formatPercent(imp.percent),
      formatCount(imp.counters?.samplesWritten ?? 0n),
      formatCount(imp.counters?.samplesRejected ?? 0n),
      // The gateway clears both once the import is not running.
      imp.rate > 0 ? formatRate(imp.rate) : "-",
      formatEta(imp.etaSeconds),
      formatTimestamp(imp.checkpoint),
      formatTimestamp(imp.updatedAt),
      imp.message,
    ]),
  );
}
