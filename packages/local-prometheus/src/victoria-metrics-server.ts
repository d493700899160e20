import { mkdir } from "node:fs/promises";
import { PrometheusApiError } from "./errors";
import { startOnFreePort } from "./private/start-on-free-port";
import { type ManagedProcess, spawnManaged, waitForHttpReady } from "./process-harness";

export interface VictoriaMetricsOptions {
  /** `-storageDataPath`; created if missing. */
  dataDir: string;
  /** 0 or absent: a free port on 127.0.0.1. */
  port?: number;
  /** `-retentionPeriod`, default "100y": VictoriaMetrics drops samples older than it on ingestion. */
  retention?: string;
  extraArgs?: readonly string[];
  /** Default "victoria-metrics" from PATH. */
  binary?: string;
  /** How long to wait for /health (default 30 s). */
  readyTimeoutMs?: number;
}

export interface VictoriaMetricsServer {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** <url>/api/v1/write (Prometheus remote write). */
  readonly remoteWriteUrl: string;
  /** Base URL of its Prometheus-compatible query API (/api/v1/query, …); the same as `url`. */
  readonly queryUrl: string;
  readonly pid: number;
  readonly process: ManagedProcess;
  /**
   * Makes everything ingested so far visible to queries (/internal/force_flush). VictoriaMetrics
   * buffers new rows for up to about a second before search sees them.
   */
  flush(): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs` (default 10 s); resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL, as a crash would; resolves once it has exited. */
  kill(): Promise<void>;
  logs(lines?: number): string;
}

/** Starts a local single-node VictoriaMetrics and resolves once /health answers. */
export async function startVictoriaMetrics(opts: VictoriaMetricsOptions): Promise<VictoriaMetricsServer> {
  await mkdir(opts.dataDir, { recursive: true });
  return startOnFreePort(opts.port, (port) => startOnPort(opts, port));
}

async function startOnPort(opts: VictoriaMetricsOptions, port: number): Promise<VictoriaMetricsServer> {
  const args = [
    `-httpListenAddr=127.0.0.1:${port}`,
    `-storageDataPath=${opts.dataDir}`,
    `-retentionPeriod=${opts.retention ?? "100y"}`,
    // By default the last 30 s are hidden from queries and responses are cached: tests want to read
    // what they just wrote, and backfilled data must not hit a stale cache.
    "-search.latencyOffset=0s",
    "-search.disableCache",
    // Same timestamp, same series: one sample, as in Prometheus and Cortex. Without it VM 1.79
    // keeps both copies, and a window re-sent after a crash would count twice.
    "-dedup.minScrapeInterval=1ms",
    ...(opts.extraArgs ?? []),
  ];
  const proc = spawnManaged({ command: opts.binary ?? "victoria-metrics", args });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttpReady(`${url}/health`, { process: proc, timeoutMs: opts.readyTimeoutMs ?? 30_000 });
  } catch (err) {
    await proc.kill();
    throw err;
  }

  return {
    url,
    port,
    dataDir: opts.dataDir,
    remoteWriteUrl: `${url}/api/v1/write`,
    queryUrl: url,
    pid: proc.pid,
    process: proc,
    flush: async () => {
      const res = await fetch(`${url}/internal/force_flush`);
      await res.arrayBuffer();
      if (!res.ok)
        throw new PrometheusApiError(`${url}/internal/force_flush`, res.status, "http", "force_flush failed");
    },
    stop: async (graceMs?: number) => {
      await proc.stop(graceMs);
    },
    kill: async () => {
      await proc.kill();
    },
    logs: (lines?: number) => proc.logs(lines),
  };
}
