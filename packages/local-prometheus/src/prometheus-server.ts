import { mkdir, readFile, writeFile } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import { join } from "node:path";
import { ProcessExitedError, ReadyTimeoutError } from "./errors";
import { startOnFreePort } from "./private/start-on-free-port";
import { type ManagedProcess, spawnManaged, waitForHttpReady } from "./process-harness";
import { buildPrometheusConfig, type RemoteWriteTarget } from "./prometheus-config";

export type PrometheusRole = "source" | "sink";

export interface PrometheusOptions<R extends PrometheusRole = PrometheusRole> {
  /** `--storage.tsdb.path`; created if missing. prometheus.yml is written into it as well. */
  dataDir: string;
  /**
   * source: serves remote read of (backfilled) history. sink: also accepts remote write
   * (`--web.enable-remote-write-receiver`) with an out-of-order window so old samples are not
   * "out of bounds".
   */
  role: R;
  /** 0 or absent: a free port on 127.0.0.1. */
  port?: number;
  /** `storage.tsdb.out_of_order_time_window`; default "100y" for a sink, none for a source. */
  outOfOrderWindow?: string;
  /** `--storage.tsdb.retention.time`, default "100y": backfilled blocks older than it are deleted at start. */
  retention?: string;
  /** remote_write entries, with queue settings that deliver within about a second. */
  remoteWrite?: readonly RemoteWriteTarget[];
  scrapeSelf?: boolean;
  scrapeInterval?: string;
  extraArgs?: readonly string[];
  /** Serves with `--web.config.file`: https and/or basic auth (Prometheus's web config). */
  web?: PrometheusWebOptions;
  /** Default "prometheus" from PATH. */
  binary?: string;
  /** How long to wait for /-/ready (default 60 s; replaying a large WAL takes a while). */
  readyTimeoutMs?: number;
}

export interface PrometheusWebOptions {
  /** tls_server_config: serve https only, with this certificate and key (PEM files). */
  tls?: {
    certFile: string;
    keyFile: string;
    /** The CA that signed certFile, to check readiness with. */
    caFile: string;
  };
  /** basic_auth_users: user name → bcrypt hash of the password. */
  basicAuthUsers?: Readonly<Record<string, string>>;
  /** Who checks readiness when basicAuthUsers is set. */
  probe?: { username: string; password: string };
}

export interface PrometheusServer<R extends PrometheusRole = PrometheusRole> {
  readonly role: R;
  /** http://127.0.0.1:<port> (https with `web.tls`), the base of the HTTP query API. */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly configFile: string;
  /** <url>/api/v1/read */
  readonly remoteReadUrl: string;
  /** <url>/api/v1/write; only a sink serves it. */
  readonly remoteWriteUrl: R extends "sink" ? string : undefined;
  readonly pid: number;
  readonly process: ManagedProcess;
  /** SIGTERM, then SIGKILL after `graceMs` (default 10 s); resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL, as a crash would; resolves once it has exited. */
  kill(): Promise<void>;
  /** The last lines of its log (stderr), for error messages. */
  logs(lines?: number): string;
}

/** Starts a local Prometheus and resolves once /-/ready answers. */
export async function startPrometheus<R extends PrometheusRole>(
  opts: PrometheusOptions<R>,
): Promise<PrometheusServer<R>> {
  await mkdir(opts.dataDir, { recursive: true });
  return startOnFreePort(opts.port, (port) => startOnPort(opts, port));
}

async function startOnPort<R extends PrometheusRole>(
  opts: PrometheusOptions<R>,
  port: number,
): Promise<PrometheusServer<R>> {
  const sink = opts.role === "sink";
  const configFile = join(opts.dataDir, "ferry-prometheus.yml");
  const config = buildPrometheusConfig({
    port,
    outOfOrderWindow: opts.outOfOrderWindow ?? (sink ? "100y" : undefined),
    remoteWrite: opts.remoteWrite,
    scrapeSelf: opts.scrapeSelf,
    scrapeInterval: opts.scrapeInterval,
  });
  await writeFile(configFile, config);
  const webConfigFile = opts.web ? join(opts.dataDir, "ferry-web.yml") : undefined;
  if (opts.web && webConfigFile) await writeFile(webConfigFile, buildWebConfig(opts.web));

  const args = [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${opts.dataDir}`,
    `--storage.tsdb.retention.time=${opts.retention ?? "100y"}`,
    `--web.listen-address=127.0.0.1:${port}`,
    ...(sink ? ["--web.enable-remote-write-receiver"] : []),
    ...(webConfigFile ? [`--web.config.file=${webConfigFile}`] : []),
    ...(opts.extraArgs ?? []),
  ];
  const proc = spawnManaged({ command: opts.binary ?? "prometheus", args });
  const url = `${opts.web?.tls ? "https" : "http"}://127.0.0.1:${port}`;
  const readyTimeoutMs = opts.readyTimeoutMs ?? 60_000;
  try {
    if (opts.web) await waitForWebReady(`${url}/-/ready`, opts.web, proc, readyTimeoutMs);
    else await waitForHttpReady(`${url}/-/ready`, { process: proc, timeoutMs: readyTimeoutMs });
  } catch (err) {
    await proc.kill();
    throw err;
  }

  return {
    role: opts.role,
    url,
    port,
    dataDir: opts.dataDir,
    configFile,
    remoteReadUrl: `${url}/api/v1/read`,
    remoteWriteUrl: (sink ? `${url}/api/v1/write` : undefined) as R extends "sink" ? string : undefined,
    pid: proc.pid,
    process: proc,
    stop: async (graceMs?: number) => {
      await proc.stop(graceMs);
    },
    kill: async () => {
      await proc.kill();
    },
    logs: (lines?: number) => proc.logs(lines),
  };
}

/** The web config file as JSON (which YAML accepts). */
function buildWebConfig(web: PrometheusWebOptions): string {
  const config = {
    ...(web.tls ? { tls_server_config: { cert_file: web.tls.certFile, key_file: web.tls.keyFile } } : {}),
    ...(web.basicAuthUsers ? { basic_auth_users: web.basicAuthUsers } : {}),
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** waitForHttpReady for a server behind TLS and/or basic auth (fetch cannot take a CA). */
async function waitForWebReady(
  url: string,
  web: PrometheusWebOptions,
  proc: ManagedProcess,
  timeoutMs: number,
): Promise<void> {
  const ca = web.tls ? await readFile(web.tls.caFile) : undefined;
  const headers: Record<string, string> = web.probe
    ? {
        Authorization: `Basic ${Buffer.from(`${web.probe.username}:${web.probe.password}`).toString("base64")}`,
      }
    : {};
  const exited = () =>
    new ProcessExitedError(proc.command, proc.exit?.code ?? null, proc.exit?.signal ?? null, proc.logs(30));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exit) throw exited();
    if (await probe(url, headers, ca)) return;
    if (proc.exit) throw exited();
    if (Date.now() >= deadline) throw new ReadyTimeoutError(url, timeoutMs, proc.logs(30));
    await Promise.race([new Promise((r) => setTimeout(r, 50)), proc.exited]);
  }
}

function probe(url: string, headers: Record<string, string>, ca: Buffer | undefined): Promise<boolean> {
  const get = url.startsWith("https:") ? https.get : http.get;
  return new Promise((resolve) => {
    const req = get(url, { headers, ca, timeout: 2_000 }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode === 200));
      res.on("error", () => resolve(false));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
  });
}
