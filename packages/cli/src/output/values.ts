import { type Timestamp, timestampMs } from "@bufbuild/protobuf/wkt";
import { ImportState, RejectReason } from "@ferry/api";

/** RFC3339 in UTC, with milliseconds only when there are some; "-" when unset. */
export function formatTime(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return "-";
  const iso = new Date(ms).toISOString();
  return iso.endsWith(".000Z") ? `${iso.slice(0, -5)}Z` : iso;
}

export function formatTimestamp(ts: Timestamp | undefined): string {
  return formatTime(ts === undefined ? undefined : timestampMs(ts));
}

export function optionalMs(ts: Timestamp | undefined): number | undefined {
  return ts === undefined ? undefined : timestampMs(ts);
}

/** 12,345,678 */
export function formatCount(n: bigint | number): string {
  return n.toLocaleString("en-US");
}

const SI = ["", "k", "M", "G", "T", "P"];

/** 1.23M, 48.9k, 512: short enough for a progress line. */
export function formatCompact(n: bigint | number): string {
  let value = Number(n);
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < SI.length - 1) {
    value /= 1000;
    unit++;
  }
  if (unit === 0) return String(Math.round(value));
  return `${value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)}${SI[unit]}`;
}

export function formatRate(perSecond: number | undefined): string {
  if (perSecond === undefined || !Number.isFinite(perSecond)) return "-";
  return `${formatCompact(perSecond)}/s`;
}

/** 850ms, 42s, 4m12s, 3h05m, 2d04h */
export function formatElapsed(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return "-";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, "0")}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h${String(minutes % 60).padStart(2, "0")}m`;
  return `${Math.floor(hours / 24)}d${String(hours % 24).padStart(2, "0")}h`;
}

/** Time left, whole seconds rounded up: 0s, 42s, 3m12s, 2h05m; "-" while unknown. */
export function formatEta(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return "-";
  const whole = Math.ceil(seconds);
  return whole === 0 ? "0s" : formatElapsed(whole * 1000);
}

export function formatPercent(percent: number): string {
  return `${(Number.isFinite(percent) ? percent : 0).toFixed(1)}%`;
}

const STATE_NAMES: Readonly<Record<ImportState, string>> = {
  [ImportState.UNSPECIFIED]: "Unknown",
  [ImportState.PENDING]: "Pending",
  [ImportState.RUNNING]: "Running",
  [ImportState.COMPLETED]: "Completed",
  [ImportState.FAILED]: "Failed",
  [ImportState.CANCELED]: "Canceled",
};

export function stateName(state: ImportState): string {
  return STATE_NAMES[state] ?? `State${state}`;
}

export function isFinalState(state: ImportState): boolean {
  return state === ImportState.COMPLETED || state === ImportState.FAILED || state === ImportState.CANCELED;
}

const REASON_NAMES: Readonly<Record<RejectReason, string>> = {
  [RejectReason.UNSPECIFIED]: "unspecified",
  [RejectReason.OUT_OF_BOUNDS]: "out of bounds",
  [RejectReason.OUT_OF_ORDER]: "out of order",
  [RejectReason.TOO_OLD]: "too old",
  [RejectReason.TOO_LARGE]: "too large",
  [RejectReason.DUPLICATE]: "duplicate",
  [RejectReason.LIMITS]: "limits",
  [RejectReason.OTHER_4XX]: "other 4xx",
};

export function rejectReasonName(reason: RejectReason): string {
  return REASON_NAMES[reason] ?? `reason ${reason}`;
}

/** "prod/prometheus": how an import or target is named in lines meant for people. */
export function qualifiedName(clusterId: string, name: string): string {
  return `${clusterId}/${name}`;
}
