import { RejectReason } from "@ferry/api";

/**
 * Names why a sink refused samples for good, from the words Prometheus, Cortex, Mimir and
 * VictoriaMetrics put in their 4xx bodies. This decides only the counter a rejection goes
 * to; whether to retry is decided by the status code alone.
 */
const PATTERNS: ReadonlyArray<[RegExp, RejectReason]> = [
  [/out of bounds|out-of-bounds/i, RejectReason.OUT_OF_BOUNDS],
  [/too old|too-old/i, RejectReason.TOO_OLD],
  [/out of order|out-of-order/i, RejectReason.OUT_OF_ORDER],
  [/duplicate sample|repeated timestamp|duplicate-sample/i, RejectReason.DUPLICATE],
  [/limit/i, RejectReason.LIMITS],
];

export function classifyRejection(status: number, body: string): RejectReason {
  if (status === 413) return RejectReason.TOO_LARGE;
  for (const [pattern, reason] of PATTERNS) if (pattern.test(body)) return reason;
  return RejectReason.OTHER_4XX;
}
