import type { Import } from "@ferry/api";
import {
  formatCount,
  formatElapsed,
  formatPercent,
  formatRate,
  formatTimestamp,
  optionalMs,
  qualifiedName,
  rejectReasonName,
  stateName,
} from "./values";

/** How long an import took, from its creation to its end (or last update). */
export function importDurationMs(imp: Import): number | undefined {
  const created = optionalMs(imp.createdAt);
  const ended = optionalMs(imp.finishedAt) ?? optionalMs(imp.updatedAt);
  return created === undefined || ended === undefined ? undefined : Math.max(0, ended - created);
}

/**
 * The summary printed when an import ends: state, duration, the counters that make
 * read = written + rejected visible, rejections by reason, average rate, message.
 */
export function formatImportReport(imp: Import): string {
  const counters = imp.counters;
  const read = counters?.samplesRead ?? 0n;
  const written = counters?.samplesWritten ?? 0n;
  const rejected = counters?.samplesRejected ?? 0n;
  const durationMs = importDurationMs(imp);
  const averageRate =
    durationMs === undefined || durationMs === 0 ? undefined : (Number(written) * 1000) / durationMs;

  const lines = [
    `${qualifiedName(imp.clusterId, imp.target)}: ${stateName(imp.state)} after ${formatElapsed(durationMs)}`,
    `  import     ${imp.id}`,
    `  range      ${formatTimestamp(imp.start)} .. ${formatTimestamp(imp.end)} (${formatPercent(imp.percent)} done)`,
    `  samples    read ${formatCount(read)}, written ${formatCount(written)}, rejected ${formatCount(rejected)}`,
  ];
  const reasons = (counters?.rejected ?? []).filter((r) => r.samples > 0n);
  if (reasons.length > 0) {
    lines.push(
      `  rejected   ${reasons.map((r) => `${rejectReasonName(r.reason)} ${formatCount(r.samples)}`).join(", ")}`,
    );
  }
  if (read !== written + rejected) {
    lines.push(
      `  unaccounted ${formatCount(read - written - rejected)} samples read but neither written nor rejected`,
    );
  }
  lines.push(`  rate       ${formatRate(averageRate)} on average`);
  if (imp.message !== "") lines.push(`  message    ${imp.message}`);
  return `${lines.join("\n")}\n`;
}
