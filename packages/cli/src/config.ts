import { resolve } from "node:path";
import type { AgentOptions } from "@ferry/agent";
import type { GatewayOptions } from "@ferry/gateway";
import { parseDuration } from "./duration";

/**
 * The one place where flags and FERRY_* environment variables become the typed options of
 * the gateway, the agent and the management client. A flag wins over its variable, whose
 * name is the flag's in upper snake case (--remote-write-url → FERRY_REMOTE_WRITE_URL).
 * Every value is checked here, before anything starts, and an error names the flag (or the
 * variable) that holds the bad value.
 */

export type Env = Readonly<Record<string, string | undefined>>;

export const DEFAULT_SERVER_URL = "http://127.0.0.1:7443";

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(
    /** The flag concerned, e.g. "--listen", even when the value came from the environment. */
    readonly flag: string,
    message: string,
  ) {
    super(message);
  }
}

export interface GatewayFlags {
  listen?: string;
  dataDir?: string;
  remoteWriteUrl?: string;
  tenantHeader?: string;
  queryUrl?: string;
  metricsListen?: string;
  store?: string;
  etcdEndpoints?: string;
  etcdPrefix?: string;
  leaderLease?: string;
}

export interface AgentFlags {
  gateway?: string;
  readDeadline?: string;
  writeConcurrency?: string;
  windowBytes?: string;
  cluster?: string;
  dataDir?: string;
  remoteWriteListen?: string;
  kubeconfig?: string;
  discoveryNamespace?: string;
}

interface Setting {
  value: string;
  /** How the value is named in messages: the flag, or the variable it came from. */
  origin: string;
  flag: string;
}

/** Flag value, else FERRY_* variable; empty strings count as unset. */
function lookup(flag: string, flagValue: string | undefined, env: Env): Setting | undefined {
  if (flagValue !== undefined && flagValue !== "") return { value: flagValue, origin: flag, flag };
  const variable = envName(flag);
  const fromEnv = env[variable];
  if (fromEnv !== undefined && fromEnv !== "") return { value: fromEnv, origin: variable, flag };
  return undefined;
}

export function envName(flag: string): string {
  return `FERRY_${flag.replace(/^--/, "").replace(/-/g, "_").toUpperCase()}`;
}

function required(flag: string, flagValue: string | undefined, env: Env): Setting {
  const setting = lookup(flag, flagValue, env);
  if (setting === undefined) {
    throw new ConfigError(flag, `${flag} is required (or set ${envName(flag)})`);
  }
  return setting;
}

function invalid(setting: Setting, expected: string): ConfigError {
  return new ConfigError(
    setting.flag,
    `invalid ${setting.origin} ${JSON.stringify(setting.value)}: ${expected}`,
  );
}

function httpUrl(setting: Setting): string {
  let url: URL;
  try {
    url = new URL(setting.value);
  } catch {
    throw invalid(setting, "expected an http:// or https:// URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw invalid(setting, `expected an http:// or https:// URL, not ${url.protocol}`);
  }
  return setting.value;
}

const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

function hostPort(setting: Setting): string {
  if (/^:\d+$/.test(setting.value)) {
    throw invalid(setting, `give the host too, e.g. 0.0.0.0${setting.value} for every interface`);
  }
  const match = HOST_PORT.exec(setting.value);
  if (!match || Number(match[2]) > 65535) {
    throw invalid(setting, "expected HOST:PORT, e.g. 127.0.0.1:7443 (port 0 picks a free one)");
  }
  return setting.value;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function headerName(setting: Setting): string {
  if (!HEADER_NAME.test(setting.value))
    throw invalid(setting, "expected an HTTP header name, e.g. X-Scope-OrgID");
  return setting.value;
}

// The cluster id becomes the sink tenant and a key of the gateway's state; the gateway accepts a
// DNS-1123 subdomain (which Cortex and Mimir tenant ids also allow), so the agent checks the same
// before dialing rather than being refused at its hello.
const CLUSTER_ID = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function clusterId(setting: Setting): string {
  if (setting.value.length > 150 || !CLUSTER_ID.test(setting.value)) {
    throw invalid(
      setting,
      "expected lower-case letters, digits, '-' and '.', starting and ending with a letter or digit, up to 150 (it becomes the tenant id)",
    );
  }
  return setting.value;
}

// Kubernetes namespace names are DNS-1123 labels.
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function namespace(setting: Setting): string {
  if (!NAMESPACE.test(setting.value)) {
    throw invalid(setting, "expected a Kubernetes namespace (lower-case letters, digits and '-', up to 63)");
  }
  return setting.value;
}

function directory(setting: Setting): string {
  return resolve(setting.value);
}

export function gatewayOptionsFrom(flags: GatewayFlags, env: Env): GatewayOptions {
  const store = lookup("--store", flags.store, env);
  const kind = store?.value ?? "file";
  if (store && kind !== "file" && kind !== "etcd") throw invalid(store, "expected file or etcd");
  const dataDir =
    kind === "etcd" ? lookup("--data-dir", flags.dataDir, env) : required("--data-dir", flags.dataDir, env);
  const options: GatewayOptions = {
    dataDir: dataDir ? directory(dataDir) : "",
    remoteWriteUrl: httpUrl(required("--remote-write-url", flags.remoteWriteUrl, env)),
  };
  if (store) options.store = kind === "etcd" ? "etcd" : "file";
  const listen = lookup("--listen", flags.listen, env);
  if (listen) options.listen = hostPort(listen);
  const tenantHeader = lookup("--tenant-header", flags.tenantHeader, env);
  if (tenantHeader) options.tenantHeader = headerName(tenantHeader);
  const queryUrl = lookup("--query-url", flags.queryUrl, env);
  if (queryUrl) options.queryUrl = httpUrl(queryUrl);
  const metricsListen = lookup("--metrics-listen", flags.metricsListen, env);
  if (metricsListen) options.metricsListen = hostPort(metricsListen);
  if (kind === "etcd") {
    options.etcdEndpoints = httpUrls(required("--etcd-endpoints", flags.etcdEndpoints, env));
    const prefix = lookup("--etcd-prefix", flags.etcdPrefix, env);
    if (prefix) options.etcdPrefix = prefix.value;
    const lease = lookup("--leader-lease", flags.leaderLease, env);
    if (lease) {
      const seconds = Number(lease.value.replace(/s$/, ""));
      if (!Number.isInteger(seconds) || seconds < 2)
        throw invalid(lease, "expected whole seconds, at least 2");
      options.leaderLeaseSeconds = seconds;
    }
  }
  return options;
}

function wholeNumber(setting: Setting, min: number, max: number): number {
  const n = Number(setting.value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw invalid(setting, `expected a whole number from ${min} to ${max}`);
  return n;
}

const BYTE_UNITS: Record<string, number> = {
  "": 1,
  k: 1 << 10,
  ki: 1 << 10,
  m: 1 << 20,
  mi: 1 << 20,
  g: 1 << 30,
  gi: 1 << 30,
};

/** 16MiB, 512k, 1048576 … */
function byteSize(setting: Setting): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]i?)?b?$/i.exec(setting.value.trim());
  const unit = BYTE_UNITS[(match?.[2] ?? "").toLowerCase()];
  const bytes = match && unit ? Math.round(Number(match[1]) * unit) : Number.NaN;
  if (!Number.isFinite(bytes) || bytes < 64 * 1024)
    throw invalid(setting, "expected a size of at least 64KiB, e.g. 16MiB");
  return bytes;
}

function durationMs(setting: Setting): number {
  try {
    return parseDuration(setting.value);
  } catch (error) {
    throw invalid(setting, error instanceof Error ? error.message : "expected a duration such as 30s or 5m");
  }
}

/** A comma-separated list of http(s) URLs. */
function httpUrls(setting: Setting): string[] {
  return setting.value.split(",").map((value) => httpUrl({ ...setting, value: value.trim() }));
}

export function agentOptionsFrom(flags: AgentFlags, env: Env): AgentOptions {
  const options: AgentOptions = {
    gatewayUrl: httpUrls(required("--gateway", flags.gateway, env)).join(","),
    clusterId: clusterId(required("--cluster", flags.cluster, env)),
  };
  const dataDir = lookup("--data-dir", flags.dataDir, env);
  if (dataDir) options.dataDir = directory(dataDir);
  const remoteWriteListen = lookup("--remote-write-listen", flags.remoteWriteListen, env);
  if (remoteWriteListen) options.remoteWriteListen = hostPort(remoteWriteListen);
  const kubeconfig = lookup("--kubeconfig", flags.kubeconfig, env);
  if (kubeconfig) options.kubeconfig = directory(kubeconfig);
  const discoveryNamespace = lookup("--discovery-namespace", flags.discoveryNamespace, env);
  if (discoveryNamespace) options.discoveryNamespace = namespace(discoveryNamespace);
  const tuning: NonNullable<AgentOptions["import"]> = {};
  const readDeadline = lookup("--read-deadline", flags.readDeadline, env);
  if (readDeadline) tuning.readDeadlineMs = durationMs(readDeadline);
  const concurrency = lookup("--write-concurrency", flags.writeConcurrency, env);
  if (concurrency) tuning.concurrency = wholeNumber(concurrency, 1, 64);
  const windowBytes = lookup("--window-bytes", flags.windowBytes, env);
  if (windowBytes) tuning.windowTargetBytes = byteSize(windowBytes);
  if (Object.keys(tuning).length > 0) options.import = tuning;
  return options;
}

/** The gateway the management commands talk to: --server, FERRY_SERVER, or the default. */
export function serverUrlFrom(flag: string | undefined, env: Env): string {
  const setting = lookup("--server", flag, env);
  return setting === undefined ? DEFAULT_SERVER_URL : httpUrl(setting).replace(/\/+$/, "");
}
