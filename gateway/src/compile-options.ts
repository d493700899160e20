import pino, { type Logger } from "pino";
import type { GatewayOptions } from "./gateway-options";

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
  return {
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
