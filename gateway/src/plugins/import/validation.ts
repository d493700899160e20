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
    throw invalid(field, `"${value}" is not a DNS-1123 label (lower-case letters, digits and '-')`);
  }
  return value;
}

export function requireEndpoint(field: string, value: string): string {
  if (value.length === 0) throw invalid(field, "must not be empty");
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(field, `"${value}" is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw invalid(field, `"${value}" must use http or https, not ${url.protocol.replace(":", "")}`);
  }
  if (!url.hostname) throw invalid(field, `"${value}" has no host`);
  if (url.username || url.password) {
    throw invalid(field, "must not carry credentials; configure source credentials separately");
  }
  return url.toString();
}

export function requireRange(start: Timestamp | undefined, end: Timestamp | undefined): [number, number] {
  if (!start) throw invalid("start", "is required");
  if (!end) throw invalid("end", "is required");
  const startMs = timestampMs(start);
  const endMs = timestampMs(end);
  if (startMs < 0) throw invalid("start", "must not be before 1970");
  if (endMs <= startMs) {
    throw invalid("end", `must be after start (start ${iso(startMs)}, end ${iso(endMs)})`);
  }
  return [startMs, endMs];
}

export function requireSelectors(field: string, texts: readonly string[]): Selector[] {
  return texts.map((text, i) => {
    try {
      return create(SelectorSchema, { matchers: parseSelector(text) });
    } catch (error) {
      if (error instanceof SelectorError) throw invalid(`${field}[${i}]`, error.message);
      throw error;
    }
  });
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** The import's options from a StartImport request: policy, rate limit, extra labels, drops. */
export function requireImportOptions(req: StartImportRequest): ImportOptions {
  if (!(req.onReject in RejectPolicy)) throw invalid("on_reject", `unknown policy ${req.onReject}`);
  if (!Number.isFinite(req.rateLimit) || req.rateLimit < 0) {
    throw invalid("rate_limit", `must be a non-negative number of samples per second, not ${req.rateLimit}`);
  }
  for (const [name, value] of Object.entries(req.extraLabels)) {
    if (!LABEL_NAME.test(name)) throw invalid("extra_labels", `"${name}" is not a valid label name`);
    if (name.startsWith("__"))
      throw invalid("extra_labels", `"${name}": names starting with __ are reserved`);
    if (value === "") throw invalid("extra_labels", `"${name}" needs a non-empty value`);
  }
  return create(ImportOptionsSchema, {
    onReject: req.onReject === RejectPolicy.UNSPECIFIED ? RejectPolicy.FAIL : req.onReject,
    rateLimit: req.rateLimit,
    extraLabels: req.extraLabels,
    drop: requireSelectors("drop_selectors", req.dropSelectors),
  });
}
