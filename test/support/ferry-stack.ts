import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { type AgentOptions, type RunningAgent, startAgent } from "@ferry/agent";
import { ImportService } from "@ferry/api";
import { type RunningGateway, startGateway } from "@ferry/gateway";
import pino from "pino";

export interface FerryStack {
  gateway: RunningGateway;
  agents: Map<string, RunningAgent>;
  client: Client<typeof ImportService>;
  dataDir: string;
  startAgent(clusterId: string, extra?: Partial<AgentOptions>): Promise<RunningAgent>;
  close(): Promise<void>;
}

export interface FerryStackOptions {
  remoteWriteUrl: string;
  queryUrl?: string;
  tenantHeader?: string;
}

const quiet = () => pino({ level: process.env.FERRY_TEST_LOG_LEVEL ?? "silent" });

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
    logger: quiet(),
  });
  const transport = createGrpcTransport({ baseUrl: gateway.url });
  const agents = new Map<string, RunningAgent>();
  return {
    gateway,
    agents,
    client: createClient(ImportService, transport),
    dataDir,
    async startAgent(clusterId, extra = {}) {
      const agent = await startAgent({ gatewayUrl: gateway.url, clusterId, logger: quiet(), ...extra });
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
