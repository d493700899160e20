import type { ImportPreview } from "@ferry/api";
import { formatTable } from "./table";
import {
  formatCompact,
  formatCount,
  formatElapsed,
  formatTime,
  formatTimestamp,
  qualifiedName,
} from "./values";

/** Planned windows shown; the JSON output carries all the gateway sent. */
const WINDOWS_SHOWN = 5;

export interface PreviewSubject {
  clusterId: string;
  target: string;
  startMs: number;
  endMs: number;
}

/** What `ferry import start --dry-run` prints: the estimates, the first windows, the warnings. */
export function formatImportPreview(subject: PreviewSubject, preview: ImportPreview): string {
  const lines = [
    `dry run of ${qualifiedName(subject.clusterId, subject.target)}: ${formatTime(subject.startMs)} .. ${formatTime(subject.endMs)} (nothing was written)`,
    `  series        ${formatCount(preview.series)}`,
    `  est. samples  ${formatCount(preview.estimatedSamples)}`,
    `  est. bytes    ${formatCompact(preview.estimatedBytes)}B read from the source (uncompressed)`,
    `  probed        ${formatElapsed(Number(preview.probedMs))} of the range${preview.responseType ? ` (${preview.responseType})` : ""}`,
    `  windows       ${formatCount(preview.windows.length)}`,
  ];
  const shown = preview.windows.slice(0, WINDOWS_SHOWN);
  if (shown.length > 0) {
    const table = formatTable(
      ["START", "END", "EST. SAMPLES"],
      shown.map((w) => [formatTimestamp(w.start), formatTimestamp(w.end), formatCount(w.estimatedSamples)]),
    );
    for (const row of table.trimEnd().split("\n")) lines.push(`    ${row}`);
    if (preview.windows.length > shown.length) {
      lines.push(`    … ${formatCount(preview.windows.length - shown.length)} more (-o json lists them)`);
    }
  }
  if (preview.warnings.length === 0) {
    lines.push("  warnings      none");
  } else {
    lines.push("  warnings");
    for (const warning of preview.warnings) lines.push(`    - ${warning}`);
  }
  return `${lines.join("\n")}\n`;
}
