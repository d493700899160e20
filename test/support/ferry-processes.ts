import { join } from "node:path";
import { type Client, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { ImportService } from "@ferry/api";
import { type ManagedProcess, spawnManaged } from "@ferry/local-prometheus";

const FERRY = join(__dirname, "../../packages/cli/bin/ferry.js");

export interface GatewayProcess {
  url: string;
  process: ManagedProcess;
  client: Client<typeof ImportService>;
}

/** `ferry gateway` as a real process on a fixed port, ready once it answers ListClusters. */
export async function spawnGateway(opts: {
  port: number;
  /** The file store's directory; omit with --store etcd in extraArgs. */
  dataDir?: string;
  remoteWriteUrl: string;
  queryUrl?: string;
  extraArgs?: readonly string[];
  /** Wait until it serves (default); a standby gateway does not until it leads. */
  waitReady?: boolean;
}): Promise<GatewayProcess> {
  const args = [
    FERRY,
    "gateway",
    "--listen",
    `127.0.0.1:${opts.port}`,
    "--remote-write-url",
    opts.remoteWriteUrl,
  ];
  if (opts.dataDir) args.push("--data-dir", opts.dataDir);
  if (opts.queryUrl) args.push("--query-url", opts.queryUrl);
  args.push(...(opts.extraArgs ?? []));
  const process = spawnManaged({ command: globalThis.process.execPath, args });
  const url = `http://127.0.0.1:${opts.port}`;
  const client = createClient(ImportService, createGrpcTransport({ baseUrl: url }));
  const gateway = { url, process, client };
  if (opts.waitReady !== false) await waitUntilServing(gateway, 20_000);
  return gateway;
}

/** Resolves once the gateway answers ListClusters. */
export async function waitUntilServing(gateway: GatewayProcess, timeoutMs: number): Promise<void> {
  await until(async () => (await gateway.client.listClusters({})) !== undefined, timeoutMs, gateway.process);
}

/** `ferry agent` as a real process; ready once the gateway lists its cluster as connected. */
export async function spawnAgent(
  gateway: GatewayProcess,
  clusterId: string,
  extraArgs: readonly string[] = [],
  gatewayUrls: readonly string[] = [gateway.url],
): Promise<ManagedProcess> {
  const process = spawnManaged({
    command: globalThis.process.execPath,
    args: [FERRY, "agent", "--gateway", gatewayUrls.join(","), "--cluster", clusterId, ...extraArgs],
  });
  await until(
    async () =>
      (await gateway.client.listClusters({})).clusters.some((c) => c.id === clusterId && c.connected),
    20_000,
    process,
  );
  return process;
}

async function until(
  probe: () => Promise<boolean>,
  timeoutMs: number,
  process: ManagedProcess,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (process.exit) throw new Error(`${process.command} exited:\n${process.logs(30)}`);
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`not ready after ${timeoutMs} ms:\n${process.logs(30)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
