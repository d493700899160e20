import type { AgentOptions, RunningAgent } from "@ferry/agent";
import type { GatewayOptions, RunningGateway } from "@ferry/gateway";
import type { GatewayTrust } from "@ferry/gateway-trust";
import type { AdminClient, ImportClient } from "./client";
import type { Env } from "./config";

/** Where a command writes; process.stdout in the binary, a collecting stream in tests. */
export type OutputStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

/** Everything the CLI touches outside itself, passed in so tests can build it without a process. */
export interface CliDeps {
  stdout: OutputStream;
  stderr: OutputStream;
  env: Env;
  now(): number;
  /** Aborted on SIGINT/SIGTERM: long-running commands stop, calls in flight are cancelled. */
  signal: AbortSignal;
  createClient(baseUrl: string, trust?: GatewayTrust): ImportClient;
  createAdminClient(baseUrl: string, trust?: GatewayTrust): AdminClient;
  startGateway(options: GatewayOptions): Promise<RunningGateway>;
  startAgent(options: AgentOptions): Promise<RunningAgent>;
}
