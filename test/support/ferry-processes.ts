import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { AdminService, ImportService } from "@ferry/api";
import { type ManagedProcess, spawnManaged } from "@ferry/local-prometheus";

const FERRY = join(__dirname, "../../packages/cli/bin/ferry.js");

export interface GatewayProcess {
  url: string;
  process: ManagedProcess;
  client: Client<typeof ImportService>;
  admin: Client<typeof AdminService>;
  /** The file the gateway keeps its admin token in (--admin-token-file). */
  adminTokenFile: string;
  /** Holds the admin token file and the data dirs of agents spawned against this gateway. */
  workDir: string;
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
  // Beside the file store, so a gateway restarted on the same data dir adopts the same token.
  const workDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), "ferry-gw-work-"));
  const adminTokenFile = join(workDir, "admin-token");
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
  // h2c: these tests are about failover and faults, test/e2e/tls.test.ts about TLS.
  args.push("--plaintext");
  args.push("--admin-token-file", adminTokenFile);
  args.push(...(opts.extraArgs ?? []));
  const process = spawnManaged({ command: globalThis.process.execPath, args });
  const url = `http://127.0.0.1:${opts.port}`;
  const transport = createGrpcTransport({ baseUrl: url, interceptors: [adminTokenFrom(adminTokenFile)] });
  const gateway = {
    url,
    process,
    client: createClient(ImportService, transport),
    admin: createClient(AdminService, transport),
    adminTokenFile,
    workDir,
  };
  if (opts.waitReady !== false) await waitUntilServing(gateway, 20_000);
  return gateway;
}

/** Resolves once the gateway answers ListClusters. */
export async function waitUntilServing(gateway: GatewayProcess, timeoutMs: number): Promise<void> {
  await until(async () => (await gateway.client.listClusters({})) !== undefined, timeoutMs, gateway.process);
}

/** Sends the token in `file`, read at each call: a standby gateway writes it only once it leads. */
function adminTokenFrom(file: string): Interceptor {
  return (next) => (req) => {
    const token = readFileSync(file, "utf8").trim();
    req.header.set("authorization", `Bearer ${token}`);
    return next(req);
  };
}

/**
 * `ferry agent` as a real process, enrolled with a fresh bootstrap token; its data dir is the
 * same for every spawn of one cluster against one gateway's work dir, so a restarted agent comes
 * back with its credential. Ready once the gateway lists its cluster as connected.
 */
export async function spawnAgent(
  gateway: GatewayProcess,
  clusterId: string,
  extraArgs: readonly string[] = [],
  gatewayUrls: readonly string[] = [gateway.url],
): Promise<ManagedProcess> {
  const { secret } = await gateway.admin.createBootstrapToken({ clusterId });
  const process = spawnManaged({
    command: globalThis.process.execPath,
    args: [
      FERRY,
      "agent",
      "--gateway",
      gatewayUrls.join(","),
      "--cluster",
      clusterId,
      "--bootstrap-token",
      secret,
      "--data-dir",
      join(gateway.workDir, "agents", clusterId),
      ...extraArgs,
    ],
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
