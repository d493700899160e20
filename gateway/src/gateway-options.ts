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
  /**
   * File holding the admin token of the management API. Missing, it is made on this start and
   * written there (mode 0600); present, its token is adopted. Without the option the token is
   * made on the first start only, and `RunningGateway.adminToken` is the one chance to see it.
   */
  adminTokenFile?: string;
  /** Where targets and imports live: "file" (default, under dataDir) or "etcd". */
  store?: "file" | "etcd";
  /** etcd client URLs, for store "etcd". Gateways sharing them elect one leader that serves. */
  etcdEndpoints?: string[];
  /** Key prefix in etcd, so several Ferry deployments can share one etcd. Default "ferry/". */
  etcdPrefix?: string;
  /** Seconds a leader's lease lives without renewal; bounds failover time. Default 10. */
  leaderLeaseSeconds?: number;
  /** Push bytes per second each cluster's agent may send; 0 (default) for no limit. */
  maxPushBytesPerSecond?: number;
  /** Largest Push payload forwarded to the sink; default 64 MiB. Larger ones are answered TOO_LARGE. */
  maxPushBytes?: number;
  /** TLS on the one port; undefined serves plain h2c (local use only). */
  tls?: GatewayTlsOptions;
  logger?: Logger;
}

/**
 * A certificate and key from PEM files, or a self-signed certificate made on first start and
 * kept in `<dataDir>/tls/` (for localhost, 127.0.0.1, ::1, the hostname and `subjectAltNames`).
 */
export type GatewayTlsOptions =
  | { certFile: string; keyFile: string }
  | { selfSigned: true; subjectAltNames?: readonly string[] };

export interface RunningGateway {
  /** Base URL clients dial, e.g. https://127.0.0.1:7443 (http:// for plain h2c). */
  readonly url: string;
  /** SHA-256 fingerprint of the served certificate, "sha256:<hex>", for clients to pin; none for h2c. */
  readonly fingerprint: string | undefined;
  readonly port: number;
  /** http://HOST:PORT/metrics when metricsListen was given. */
  readonly metricsUrl: string | undefined;
  /** The admin token, when this start made it or adopted it from adminTokenFile. */
  readonly adminToken: string | undefined;
  /** Whether this start made a new admin token (the gateway command prints it unless it went to a file). */
  readonly adminTokenCreated: boolean;
  /** Stops accepting, ends agent sessions and waits until no connection is left. */
  close(): Promise<void>;
  /** Rejects if the gateway stops serving on its own (e.g. it lost its etcd leadership). */
  readonly failed: Promise<never>;
}
