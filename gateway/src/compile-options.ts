import { isIP } from "node:net";
import { hostname } from "node:os";
import { join } from "node:path";
import pino, { type Logger } from "pino";
import { DEFAULT_MAX_PUSH_BYTES } from "./core/push-limiter";
import type { TlsSource } from "./core/tls-material";
import type { GatewayOptions, GatewayTlsOptions } from "./gateway-options";

export interface CompiledGatewayOptions {
  host: string;
  port: number;
  dataDir: string;
  remoteWriteUrl: string;
  tenantHeader: string;
  queryUrl: string | undefined;
  metricsListen: { host: string; port: number } | undefined;
  store: "file" | "etcd";
  etcdEndpoints: string[];
  etcdPrefix: string;
  leaderLeaseSeconds: number;
  maxPushBytesPerSecond: number;
  maxPushBytes: number;
  /** Where the served certificate comes from; undefined for plain h2c. */
  tls: TlsSource | undefined;
  logger: Logger;
}

/** Thrown for a bad option; `option` names the flag. */
export class GatewayOptionError extends Error {
  readonly code = "invalid_option";
  constructor(
    readonly option: string,
    problem: string,
  ) {
    super(`--${option}: ${problem}`);
  }
}

export function parseListen(option: string, value: string): { host: string; port: number } {
  const match = /^(\[[^\]]+\]|[^:]*):(\d+)$/.exec(value);
  if (!match) throw new GatewayOptionError(option, `"${value}" is not HOST:PORT`);
  const port = Number(match[2]);
  if (port > 65535) throw new GatewayOptionError(option, `port ${port} is out of range`);
  const host = (match[1] ?? "").replace(/^\[|\]$/g, "") || "0.0.0.0";
  return { host, port };
}

export function requireHttpUrl(option: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new GatewayOptionError(option, `"${value}" is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new GatewayOptionError(option, `"${value}" must be an http or https URL`);
  }
  return value;
}

/** Fills defaults and rejects bad values up front, naming the flag. */
export function compileGatewayOptions(options: GatewayOptions): CompiledGatewayOptions {
  const { host, port } = parseListen("listen", options.listen ?? "127.0.0.1:7443");
  if (!options.dataDir && options.store !== "etcd") throw new GatewayOptionError("data-dir", "is required");
  const tenantHeader = options.tenantHeader ?? "X-Scope-OrgID";
  if (!/^[A-Za-z0-9-]+$/.test(tenantHeader)) {
    throw new GatewayOptionError("tenant-header", `"${tenantHeader}" is not an HTTP header name`);
  }
  const store = options.store ?? "file";
  if (store !== "file" && store !== "etcd")
    throw new GatewayOptionError("store", `"${store}" is neither file nor etcd`);
  const etcdEndpoints = (options.etcdEndpoints ?? []).map((e) => requireHttpUrl("etcd-endpoints", e));
  if (store === "etcd" && etcdEndpoints.length === 0) {
    throw new GatewayOptionError("etcd-endpoints", "is required with --store etcd");
  }
  const leaderLeaseSeconds = options.leaderLeaseSeconds ?? 10;
  if (!Number.isInteger(leaderLeaseSeconds) || leaderLeaseSeconds < 2) {
    throw new GatewayOptionError("leader-lease", "must be a whole number of seconds, at least 2");
  }
  const maxPushBytesPerSecond = options.maxPushBytesPerSecond ?? 0;
  if (!Number.isSafeInteger(maxPushBytesPerSecond) || maxPushBytesPerSecond < 0) {
    throw new GatewayOptionError(
      "max-push-bytes-per-second",
      "must be a whole number of bytes, 0 for no limit",
    );
  }
  const maxPushBytes = options.maxPushBytes ?? DEFAULT_MAX_PUSH_BYTES;
  if (!Number.isSafeInteger(maxPushBytes) || maxPushBytes < 1024) {
    throw new GatewayOptionError("max-push-bytes", "must be a whole number of bytes, at least 1024");
  }
  return {
    maxPushBytesPerSecond,
    maxPushBytes,
    tls: compileTls(options.tls, options.dataDir),
    metricsListen: options.metricsListen ? parseListen("metrics-listen", options.metricsListen) : undefined,
    store,
    etcdEndpoints,
    etcdPrefix: options.etcdPrefix ?? "ferry/",
    leaderLeaseSeconds,
    host,
    port,
    dataDir: options.dataDir,
    remoteWriteUrl: requireHttpUrl("remote-write-url", options.remoteWriteUrl),
    tenantHeader,
    queryUrl: options.queryUrl ? requireHttpUrl("query-url", options.queryUrl) : undefined,
    logger: options.logger ?? pino({ name: "ferry-gateway" }, pino.destination(2)),
  };
}

const DNS_NAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/i;

function compileTls(tls: GatewayTlsOptions | undefined, dataDir: string): TlsSource | undefined {
  if (tls === undefined) return undefined;
  if ("certFile" in tls) {
    if (!tls.certFile) throw new GatewayOptionError("tls-cert", "is required with --tls-key");
    if (!tls.keyFile) throw new GatewayOptionError("tls-key", "is required with --tls-cert");
    return { kind: "files", certFile: tls.certFile, keyFile: tls.keyFile };
  }
  if (!dataDir) {
    throw new GatewayOptionError(
      "data-dir",
      "is required to keep the self-signed certificate (or give --tls-cert and --tls-key)",
    );
  }
  const extra = tls.subjectAltNames ?? [];
  for (const name of extra) {
    if (isIP(name) === 0 && (name.length > 253 || !DNS_NAME.test(name))) {
      throw new GatewayOptionError("tls-san", `"${name}" is neither a DNS name nor an IP address`);
    }
  }
  // The hostname is best effort: a container's may be no DNS name at all.
  const host = hostname();
  const names = ["localhost", "127.0.0.1", "::1", ...(DNS_NAME.test(host) ? [host] : []), ...extra];
  return { kind: "self-signed", dir: join(dataDir, "tls"), names: [...new Set(names)] };
}
