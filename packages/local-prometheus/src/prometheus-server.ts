import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
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
  /** Default "prometheus" from PATH. */
  binary?: string;
  /** How long to wait for /-/ready (default 60 s; replaying a large WAL takes a while). */
  readyTimeoutMs?: number;
}

export interface PrometheusServer<R extends PrometheusRole = PrometheusRole> {
  readonly role: R;
  /** http://127.0.0.1:<port>, the base of the HTTP query API. */
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

  const args = [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${opts.dataDir}`,
    `--storage.tsdb.retention.time=${opts.retention ?? "100y"}`,
    `--web.listen-address=127.0.0.1:${port}`,
    ...(sink ? ["--web.enable-remote-write-receiver"] : []),
    ...(opts.extraArgs ?? []),
  ];
  const proc = spawnManaged({ command: opts.binary ?? "prometheus", args });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttpReady(`${url}/-/ready`, { process: proc, timeoutMs: opts.readyTimeoutMs ?? 60_000 });
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
