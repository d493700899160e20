import type { Logger } from "pino";

export interface GatewayOptions {
  /** HOST:PORT for the one HTTP/2 port (Connect, gRPC, gRPC-Web). Port 0 picks a free one. Default 127.0.0.1:7443. */
  listen?: string;
  /** Where the file store keeps targets and imports. */
  dataDir: string;
  /** The sink's remote-write endpoint, e.g. http://cortex:9009/api/v1/push. */
  remoteWriteUrl: string;
  /** Header carrying the tenant (the agent's cluster id). Default X-Scope-OrgID. */
  tenantHeader?: string;
  /** Prefix of the sink's Prometheus HTTP API, e.g. http://cortex:9009/prometheus. */
  queryUrl?: string;
  logger?: Logger;
}

export interface RunningGateway {
  /** Base URL clients dial, e.g. http://127.0.0.1:7443. */
  readonly url: string;
  readonly port: number;
  /** Stops accepting, ends agent sessions and waits until no connection is left. */
  close(): Promise<void>;
}
