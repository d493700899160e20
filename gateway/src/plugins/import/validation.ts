import { create } from "@bufbuild/protobuf";
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  type ImportOptions,
  ImportOptionsSchema,
  RejectPolicy,
  type Selector,
  SelectorSchema,
  type StartImportRequest,
} from "@ferry/api";
import { parseSelector, SelectorError } from "@ferry/selector";
import { validateClusterId } from "../../core/cluster-id";

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function invalid(field: string, problem: string): ConnectError {
  return new ConnectError(`${field}: ${problem}`, Code.InvalidArgument);
}

export function requireClusterId(field: string, value: string): string {
  const problem = validateClusterId(value);
  if (problem) throw invalid(field, problem);
  return value;
}

/** Target names end up in URLs, metrics labels and file names: a DNS-1123 label. */
export function requireTargetName(field: string, value: string): string {
  if (value.length === 0) throw invalid(field, "must not be empty");
  if (value.length > 63) throw invalid(field, "must be at most 63 characters");
  if (!DNS1123_LABEL.test(value)) {
    throw invalid(field, `${quote(value)} is not a DNS-1123 label (lower-case letters, digits and '-')`);
  }
  return value;
}

/** Longest endpoint URL accepted (what common HTTP stacks accept in a request line). */
export const MAX_ENDPOINT_LENGTH = 2048;

export function requireEndpoint(field: string, value: string): string {
  if (value.length === 0) throw invalid(field, "must not be empty");
  if (value.length > MAX_ENDPOINT_LENGTH) {
    throw invalid(field, `${value.length} characters, at most ${MAX_ENDPOINT_LENGTH}`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(field, `${quote(value)} is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw invalid(field, `${quote(value)} must use http or https, not ${url.protocol.replace(":", "")}`);
  }
  if (!url.hostname) throw invalid(field, `${quote(value)} has no host`);
  if (url.username || url.password) {
    throw invalid(field, "must not carry credentials; configure source credentials separately");
  }
  return url.toString();
}

/** Protobuf's Timestamp range: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z. */
const MIN_TIMESTAMP_SECONDS = -62_135_596_800n;
const MAX_TIMESTAMP_SECONDS = 253_402_300_799n;
/** How far past the gateway's clock an import may end (clock skew between CLI and gateway). */
export const MAX_END_AHEAD_MS = 60 * 60_000;
/** Longest range one import or query may span; far longer than any Prometheus retention. */
export const MAX_RANGE_MS = 5 * 365 * 24 * 3600_000 + 24 * 3600_000;

/** A Timestamp as milliseconds, refusing values protobuf says a Timestamp cannot hold. */
export function requireTimestamp(field: string, value: Timestamp): number {
  if (value.seconds < MIN_TIMESTAMP_SECONDS || value.seconds > MAX_TIMESTAMP_SECONDS) {
    throw invalid(field, `seconds ${value.seconds} is outside 0001-01-01 to 9999-12-31`);
  }
  if (!Number.isInteger(value.nanos) || value.nanos < 0 || value.nanos > 999_999_999) {
    throw invalid(field, `nanos ${value.nanos} must be from 0 to 999999999`);
  }
  return timestampMs(value);
}

/**
 * A [start, end] range of an import or a range query: both given, start not before 1970, end
 * after start and not more than MAX_END_AHEAD_MS past `nowMs`, at most MAX_RANGE_MS long.
 */
export function requireRange(
  start: Timestamp | undefined,
  end: Timestamp | undefined,
  nowMs: number = Date.now(),
): [number, number] {
  if (!start) throw invalid("start", "is required");
  if (!end) throw invalid("end", "is required");
  const startMs = requireTimestamp("start", start);
  const endMs = requireTimestamp("end", end);
  if (startMs < 0) throw invalid("start", `must not be before 1970 (got ${iso(startMs)})`);
  if (endMs <= startMs) {
    throw invalid("end", `must be after start (start ${iso(startMs)}, end ${iso(endMs)})`);
  }
  if (endMs > nowMs + MAX_END_AHEAD_MS) {
    throw invalid(
      "end",
      `${iso(endMs)} is more than ${MAX_END_AHEAD_MS / 60_000} minutes in the future (gateway time ${iso(nowMs)})`,
    );
  }
  if (endMs - startMs > MAX_RANGE_MS) {
    throw invalid(
      "start",
      `the range ${iso(startMs)} to ${iso(endMs)} is longer than ${days(MAX_RANGE_MS)} days; import it in parts`,
    );
  }
  return [startMs, endMs];
}

/** Most selectors one request may carry (their union is imported; more is a mistake). */
export const MAX_SELECTORS = 100;
/** Longest selector text; a long regex alternation of metric names fits easily. */
export const MAX_SELECTOR_LENGTH = 64 * 1024;

export function requireSelectors(field: string, texts: readonly string[]): Selector[] {
  if (texts.length > MAX_SELECTORS) {
    throw invalid(field, `${texts.length} selectors, at most ${MAX_SELECTORS} are allowed`);
  }
  return texts.map((text, i) => {
    if (text.length > MAX_SELECTOR_LENGTH) {
      throw invalid(`${field}[${i}]`, `${text.length} characters, at most ${MAX_SELECTOR_LENGTH}`);
    }
    try {
      return create(SelectorSchema, { matchers: parseSelector(text) });
    } catch (error) {
      if (error instanceof SelectorError) throw invalid(`${field}[${i}]`, error.message);
      throw error;
    }
  });
}

/** Longest PromQL text a Query request may carry. */
export const MAX_QUERY_LENGTH = 64 * 1024;

export function requireQueryText(field: string, text: string): string {
  if (!text.trim()) throw invalid(field, "must not be empty");
  if (text.length > MAX_QUERY_LENGTH) {
    throw invalid(field, `${text.length} characters, at most ${MAX_QUERY_LENGTH}`);
  }
  return text;
}

/** A Kubernetes namespace (a DNS-1123 label), or empty for every namespace. */
export function requireNamespace(field: string, value: string): string {
  if (value === "") return value;
  if (value.length > 63 || !DNS1123_LABEL.test(value)) {
    throw invalid(field, `${quote(value)} is not a Kubernetes namespace (DNS-1123 label, at most 63)`);
  }
  return value;
}

/** Longest a Discover may wait for agents. */
export const MAX_DISCOVER_TIMEOUT_MS = 5 * 60_000;

/** A timeout in ms: 0 for the default, else from 1 to `maxMs`. Returns undefined for 0. */
export function requireTimeoutMs(field: string, value: bigint, maxMs: number): number | undefined {
  if (value < 0n) throw invalid(field, `must not be negative, got ${value}`);
  if (value > BigInt(maxMs)) throw invalid(field, `${value} ms is above the limit of ${maxMs} ms`);
  return value === 0n ? undefined : Number(value);
}

function days(ms: number): number {
  return Math.floor(ms / (24 * 3600_000));
}

/** `value` quoted for a message, cut short so a huge input does not make a huge error. */
function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Cortex's default limits: at most 30 labels per series, values of at most 2048 bytes. */
export const MAX_EXTRA_LABELS = 30;
export const MAX_LABEL_NAME_LENGTH = 1024;
export const MAX_LABEL_VALUE_LENGTH = 2048;

/** The import's options from a StartImport request: policy, rate limit, extra labels, drops. */
export function requireImportOptions(req: StartImportRequest): ImportOptions {
  if (!(req.onReject in RejectPolicy)) throw invalid("on_reject", `unknown policy ${req.onReject}`);
  if (!Number.isFinite(req.rateLimit) || req.rateLimit < 0) {
    throw invalid("rate_limit", `must be a non-negative number of samples per second, not ${req.rateLimit}`);
  }
  const labels = Object.entries(req.extraLabels);
  if (labels.length > MAX_EXTRA_LABELS) {
    throw invalid("extra_labels", `${labels.length} labels, at most ${MAX_EXTRA_LABELS} are allowed`);
  }
  for (const [name, value] of labels) {
    if (name.length > MAX_LABEL_NAME_LENGTH || !LABEL_NAME.test(name)) {
      throw invalid("extra_labels", `${quote(name)} is not a valid label name`);
    }
    if (name.startsWith("__"))
      throw invalid("extra_labels", `${quote(name)}: names starting with __ are reserved`);
    if (value === "") throw invalid("extra_labels", `${quote(name)} needs a non-empty value`);
    if (Buffer.byteLength(value) > MAX_LABEL_VALUE_LENGTH) {
      throw invalid("extra_labels", `${quote(name)}: value longer than ${MAX_LABEL_VALUE_LENGTH} bytes`);
    }
  }
  return create(ImportOptionsSchema, {
    onReject: req.onReject === RejectPolicy.UNSPECIFIED ? RejectPolicy.FAIL : req.onReject,
    rateLimit: req.rateLimit,
    extraLabels: req.extraLabels,
    drop: requireSelectors("drop_selectors", req.dropSelectors),
  });
}
