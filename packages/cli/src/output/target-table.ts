import type { Target } from "@ferry/api";
import { formatTable } from "./table";
import { formatTimestamp } from "./values";

export function formatTargetTable(targets: readonly Target[]): string {
  return formatTable(
    ["CLUSTER", "NAME", "ENDPOINT", "CREATED", "UPDATED"],
    targets.map((t) => [
      t.clusterId,
      t.name,
      t.endpoint,
      formatTimestamp(t.createdAt),
      formatTimestamp(t.updatedAt),
    ]),
  );
}
