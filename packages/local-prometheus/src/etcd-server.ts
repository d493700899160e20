import { mkdir } from "node:fs/promises";
import { freePort } from "./free-port";
import { type ManagedProcess, spawnManaged, waitForHttpReady } from "./process-harness";

export interface EtcdOptions {
  dataDir: string;
  /** Client port; 0 or absent picks a free one. */
  port?: number;
  binary?: string;
  readyTimeoutMs?: number;
}

export interface EtcdServer {
  /** http://127.0.0.1:<client port>, for --etcd-endpoints. */
  readonly endpoint: string;
  readonly port: number;
  readonly process: ManagedProcess;
  stop(graceMs?: number): Promise<void>;
  kill(): Promise<void>;
  logs(lines?: number): string;
}

/** A single-member etcd from Debian's etcd-server, on loopback, ready once /health answers. */
export async function startEtcd(opts: EtcdOptions): Promise<EtcdServer> {
  await mkdir(opts.dataDir, { recursive: true });
  const port = opts.port || (await freePort());
  const peerPort = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const proc = spawnManaged({
    command: opts.binary ?? "etcd",
    args: [
      "--name=ferry-test",
      `--data-dir=${opts.dataDir}`,
      `--listen-client-urls=${endpoint}`,
      `--advertise-client-urls=${endpoint}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=ferry-test=${peer}`,
      "--log-level=warn",
    ],
  });
  try {
    await waitForHttpReady(`${endpoint}/health`, { timeoutMs: opts.readyTimeoutMs ?? 30_000, process: proc });
  } catch (err) {
    await proc.kill();
    throw err;
  }
  return {
    endpoint,
    port,
    process: proc,
    logs: (lines) => proc.logs(lines),
    stop: async (graceMs) => {
      await proc.stop(graceMs);
    },
    kill: async () => {
      await proc.kill();
    },
  };
}
