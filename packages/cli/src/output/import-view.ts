import type { Import } from "@ferry/api";
import { formatCompact, formatEta, formatPercent, formatRate, qualifiedName, stateName } from "./values";

/** A display of imports as they change: bars, plain lines or JSON lines. */
export interface ImportView {
  update(imp: Import): void;
  /** Ends live output (stops bars); safe to call twice. */
  close(): void;
}

export interface ImportViewOptions {
  /** Print the full report for imports that were already over when first seen (as for --follow). */
  reportAlreadyFinished: boolean;
}

/** "prod/prom  Running  45.2%  written 1.23M  rejected 0  48.9k/s  ETA 3m12s" (ETA once known). */
export function formatProgressLine(imp: Import, rate: number | undefined): string {
  const parts = [
    qualifiedName(imp.clusterId, imp.target),
    stateName(imp.state),
    formatPercent(imp.percent),
    `written ${formatCompact(imp.counters?.samplesWritten ?? 0n)}`,
    `rejected ${formatCompact(imp.counters?.samplesRejected ?? 0n)}`,
    formatRate(rate),
  ];
  const eta = etaLabel(imp);
  if (eta !== undefined) parts.push(eta);
  return parts.join("  ");
}

/** "ETA 3m12s" while the server knows how long the import has left, else undefined. */
export function etaLabel(imp: Import): string | undefined {
  return imp.etaSeconds === undefined ? undefined : `ETA ${formatEta(imp.etaSeconds)}`;
}

/** The line for an import that had ended before we started watching. */
export function formatEndedLine(imp: Import): string {
  const message = imp.message === "" ? "" : `: ${imp.message}`;
  return `${qualifiedName(imp.clusterId, imp.target)}  ${stateName(imp.state)}  ${formatPercent(imp.percent)}${message}`;
}
