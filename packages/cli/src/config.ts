import { isIP } from "node:net";
import { resolve } from "node:path";
import type { AgentOptions } from "@ferry/agent";
import type { GatewayOptions } from "@ferry/gateway";
import { type GatewayTrust, parseFingerprint } from "@ferry/gateway-trust";
import type { ClientConfigFile, ClientConfigKey } from "./client-config-file";
import { parseDuration } from "./duration";

/**
 * The one place where flags and FERRY_* environment variables become the typed options of
 * the gateway, the agent and the management client. A flag wins over its variable, whose
 * name is the flag's in upper snake case (--remote-write-url → FERRY_REMOTE_WRITE_URL).
 * Every value is checked here, before anything starts, and an error names the flag (or the
 * variable) that holds the bad value.
 */

export type Env = Readonly<Record<string, string | undefined>>;

export const DEFAULT_SERVER_URL = "https://127.0.0.1:7443";

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
  adminTokenFile?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsSan?: string;
  plaintext?: boolean;
  maxPushBytesPerSecond?: string;
}

/** How a client trusts an https:// gateway: the agent's flags and the management commands' global ones. */
export interface TrustFlags {
  gatewayCa?: string;
  gatewayCaPin?: string;
}

export interface AgentFlags extends TrustFlags {
  gateway?: string;
  readDeadline?: string;
  writeConcurrency?: string;
  windowBytes?: string;
  batchSamples?: string;
  cluster?: string;
  dataDir?: string;
  remoteWriteListen?: string;
  kubeconfig?: string;
  discoveryNamespace?: string;
  bootstrapToken?: string;
  metricsListen?: string;
}

interface Setting {
  value: string;
  /** How the value is named in messages: the flag, or the variable it came from. */
  origin: string;
  flag: string;
}

/**
 * Flag value, else FERRY_* variable, else (for the management client) the config file's key;
 * empty strings count as unset.
 */
function lookup(
  flag: string,
  flagValue: string | undefined,
  env: Env,
  file?: ClientConfigFile,
  key?: ClientConfigKey,
): Setting | undefined {
  if (flagValue !== undefined && flagValue !== "") return { value: flagValue, origin: flag, flag };
  const variable = envName(flag);
  const fromEnv = env[variable];
  if (fromEnv !== undefined && fromEnv !== "") return { value: fromEnv, origin: variable, flag };
  const fromFile = key === undefined ? undefined : file?.values[key];
  if (fromFile !== undefined) return { value: fromFile, origin: `"${key}" in ${file?.path}`, flag };
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
  const pushRate = lookup("--max-push-bytes-per-second", flags.maxPushBytesPerSecond, env);
  if (pushRate) options.maxPushBytesPerSecond = byteRate(pushRate);
  const tls = gatewayTls(flags, env);
  if (tls) options.tls = tls;
  const adminTokenFile = lookup("--admin-token-file", flags.adminTokenFile, env);
  if (adminTokenFile) options.adminTokenFile = resolve(adminTokenFile.value);
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

/** A byte size per second (`100MiB`, `100MiB/s`), or 0 for no limit. */
function byteRate(setting: Setting): number {
  const value = setting.value.trim().replace(/\/s$/i, "");
  return value === "0" ? 0 : byteSize({ ...setting, value });
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
  const gatewayUrls = httpUrls(required("--gateway", flags.gateway, env));
  const options: AgentOptions = {
    gatewayUrl: gatewayUrls.join(","),
    clusterId: clusterId(required("--cluster", flags.cluster, env)),
  };
  const trust = gatewayTrustFrom(flags, env, gatewayUrls);
  if (trust?.caFile) options.gatewayCa = trust.caFile;
  if (trust?.pins) options.gatewayCaPin = trust.pins.map((pin) => `sha256:${pin}`).join(",");
  const dataDir = lookup("--data-dir", flags.dataDir, env);
  if (dataDir) options.dataDir = directory(dataDir);
  const bootstrapToken = lookup("--bootstrap-token", flags.bootstrapToken, env);
  if (bootstrapToken) options.bootstrapToken = bootstrapToken.value.trim();
  const remoteWriteListen = lookup("--remote-write-listen", flags.remoteWriteListen, env);
  if (remoteWriteListen) options.remoteWriteListen = hostPort(remoteWriteListen);
  const kubeconfig = lookup("--kubeconfig", flags.kubeconfig, env);
  if (kubeconfig) options.kubeconfig = directory(kubeconfig);
  const discoveryNamespace = lookup("--discovery-namespace", flags.discoveryNamespace, env);
  if (discoveryNamespace) options.discoveryNamespace = namespace(discoveryNamespace);
  const metricsListen = lookup("--metrics-listen", flags.metricsListen, env);
  if (metricsListen) options.metricsListen = hostPort(metricsListen);
  const tuning: NonNullable<AgentOptions["import"]> = {};
  const readDeadline = lookup("--read-deadline", flags.readDeadline, env);
  if (readDeadline) tuning.readDeadlineMs = durationMs(readDeadline);
  const concurrency = lookup("--write-concurrency", flags.writeConcurrency, env);
  if (concurrency) tuning.concurrency = wholeNumber(concurrency, 1, 64);
  const batchSamples = lookup("--batch-samples", flags.batchSamples, env);
  if (batchSamples) tuning.batchSamples = wholeNumber(batchSamples, 1, 1_000_000);
  const windowBytes = lookup("--window-bytes", flags.windowBytes, env);
  if (windowBytes) tuning.windowTargetBytes = byteSize(windowBytes);
  if (Object.keys(tuning).length > 0) options.import = tuning;
  return options;
}

/** The gateway the management commands talk to: --server, FERRY_SERVER, or the default. */
export function serverUrlFrom(flag: string | undefined, env: Env, file?: ClientConfigFile): string {
  const setting = lookup("--server", flag, env, file, "server");
  return setting === undefined ? DEFAULT_SERVER_URL : httpUrl(setting).replace(/\/+$/, "");
}

const DNS_NAME = /^(\*\.)?[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*$/;

/** TLS of `ferry gateway`: --tls-cert/--tls-key, else (unless --plaintext) a self-signed certificate. */
function gatewayTls(flags: GatewayFlags, env: Env): GatewayOptions["tls"] {
  const cert = lookup("--tls-cert", flags.tlsCert, env);
  const key = lookup("--tls-key", flags.tlsKey, env);
  const san = lookup("--tls-san", flags.tlsSan, env);
  const plaintextVariable = lookup("--plaintext", undefined, env);
  if (plaintextVariable && !/^(true|false|1|0)$/.test(plaintextVariable.value)) {
    throw invalid(plaintextVariable, "expected true or false");
  }
  if (flags.plaintext === true || /^(true|1)$/.test(plaintextVariable?.value ?? "")) {
    const tlsSetting = cert ?? key ?? san;
    if (tlsSetting) throw new ConfigError("--plaintext", `--plaintext excludes ${tlsSetting.origin}`);
    return undefined;
  }
  if (cert || key) {
    if (!cert) throw new ConfigError("--tls-cert", "--tls-cert is required with --tls-key");
    if (!key) throw new ConfigError("--tls-key", "--tls-key is required with --tls-cert");
    if (san) throw invalid(san, "names only go into the self-signed certificate, not into --tls-cert's");
    return { certFile: resolve(cert.value), keyFile: resolve(key.value) };
  }
  const names = (san?.value ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
  for (const name of names) {
    if (isIP(name) === 0 && !DNS_NAME.test(name)) {
      throw invalid(san as Setting, `"${name}" is neither a DNS name nor an IP address`);
    }
  }
  return names.length > 0 ? { selfSigned: true, subjectAltNames: names } : { selfSigned: true };
}

/**
 * --gateway-ca FILE or --gateway-ca-pin sha256:<hex>[,…] (FERRY_GATEWAY_CA, FERRY_GATEWAY_CA_PIN)
 * for gateways at `urls`; undefined leaves https:// to the system CAs.
 */
export function gatewayTrustFrom(
  flags: TrustFlags,
  env: Env,
  urls: readonly string[],
  file?: ClientConfigFile,
): GatewayTrust | undefined {
  const ca = lookup("--gateway-ca", flags.gatewayCa, env, file, "gatewayCa");
  const pin = lookup("--gateway-ca-pin", flags.gatewayCaPin, env, file, "gatewayCaPin");
  const given = pin ?? ca;
  if (!given) return undefined;
  if (ca && pin) {
    throw new ConfigError("--gateway-ca-pin", `give ${ca.origin} or ${pin.origin}, not both`);
  }
  const plain = urls.find((url) => !url.startsWith("https://"));
  if (plain) throw invalid(given, `it applies to https:// gateways, not ${plain}`);
  if (!pin) return { caFile: resolve(given.value) };
  const pins = pin.value.split(",").map((value) => {
    const hex = parseFingerprint(value);
    if (!hex) throw invalid(pin, "expected sha256:<64 hex digits> (the fingerprint the gateway prints)");
    return hex;
  });
  return { pins };
}

/** The admin token management commands send: --token, FERRY_TOKEN, or `token` in the config file. */
export function adminTokenFrom(
  flag: string | undefined,
  env: Env,
  file?: ClientConfigFile,
): string | undefined {
  return lookup("--token", flag, env, file, "token")?.value.trim();
}
