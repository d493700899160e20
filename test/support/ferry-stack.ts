import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { type AgentOptions, type RunningAgent, startAgent } from "@ferry/agent";
import { AdminService, ImportService } from "@ferry/api";
import { type RunningGateway, startGateway } from "@ferry/gateway";
import pino, { type Logger } from "pino";

export interface FerryStack {
  gateway: RunningGateway;
  agents: Map<string, RunningAgent>;
  client: Client<typeof ImportService>;
  /** AdminService with the admin token this start made. */
  admin: Client<typeof AdminService>;
  dataDir: string;
  /** A bootstrap token for an agent of `clusterId`, made through AdminService. */
  bootstrapToken(clusterId: string): Promise<string>;
  startAgent(clusterId: string, extra?: Partial<AgentOptions>): Promise<RunningAgent>;
  close(): Promise<void>;
}

export interface FerryStackOptions {
  remoteWriteUrl: string;
  queryUrl?: string;
  tenantHeader?: string;
  /** The gateway's logger (default: silent, or FERRY_TEST_LOG_LEVEL). */
  logger?: Logger;
}

const quiet = () => pino({ level: process.env.FERRY_TEST_LOG_LEVEL ?? "silent" });

/** Sends `authorization: Bearer <token>` on every call. */
export function bearer(token: string): Interceptor {
  return (next) => (req) => {
    req.header.set("authorization", `Bearer ${token}`);
    return next(req);
  };
}

/** A gateway on a free port plus in-process agents, and a gRPC client of the management API. */
export async function startFerryStack(options: FerryStackOptions): Promise<FerryStack> {
  const dataDir = await mkdtemp(join(tmpdir(), "ferry-gw-"));
  const gateway = await startGateway({
    listen: "127.0.0.1:0",
    dataDir,
    remoteWriteUrl: options.remoteWriteUrl,
    queryUrl: options.queryUrl,
    tenantHeader: options.tenantHeader,
    metricsListen: "127.0.0.1:0",
    logger: options.logger ?? quiet(),
  });
  const transport = createGrpcTransport({
    baseUrl: gateway.url,
    interceptors: [bearer(gateway.adminToken ?? "")],
  });
  const admin = createClient(AdminService, transport);
  const bootstrapToken = async (clusterId: string) =>
    (await admin.createBootstrapToken({ clusterId })).secret;
  const agents = new Map<string, RunningAgent>();
  return {
    gateway,
    agents,
    client: createClient(ImportService, transport),
    admin,
    dataDir,
    bootstrapToken,
    async startAgent(clusterId, extra = {}) {
      // A data dir per cluster: an agent restarted in the same stack keeps its credential.
      const agent = await startAgent({
        gatewayUrl: gateway.url,
        clusterId,
        logger: quiet(),
        bootstrapToken: await bootstrapToken(clusterId),
        dataDir: join(dataDir, "agents", clusterId),
        ...extra,
      });
      await agent.ready();
      agents.set(clusterId, agent);
      return agent;
    },
    async close() {
      for (const agent of agents.values()) await agent.close();
      await gateway.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
