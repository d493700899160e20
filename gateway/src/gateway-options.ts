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
  /** HOST:PORT of an HTTP/1.1 listener serving Prometheus metrics at /metrics; none when unset. */
  metricsListen?: string;
  /** Where targets and imports live: "file" (default, under dataDir) or "etcd". */
  store?: "file" | "etcd";
  /** etcd client URLs, for store "etcd". Gateways sharing them elect one leader that serves. */
  etcdEndpoints?: string[];
  /** Key prefix in etcd, so several Ferry deployments can share one etcd. Default "ferry/". */
  etcdPrefix?: string;
  /** Seconds a leader's lease lives without renewal; bounds failover time. Default 10. */
  leaderLeaseSeconds?: number;
  logger?: Logger;
}

export interface RunningGateway {
  /** Base URL clients dial, e.g. http://127.0.0.1:7443. */
  readonly url: string;
  readonly port: number;
  /** http://HOST:PORT/metrics when metricsListen was given. */
  readonly metricsUrl: string | undefined;
  /** Stops accepting, ends agent sessions and waits until no connection is left. */
  close(): Promise<void>;
  /** Rejects if the gateway stops serving on its own (e.g. it lost its etcd leadership). */
  readonly failed: Promise<never>;
}
