import type { Logger } from "pino";

export interface AgentOptions {
  /** Gateway base URL, e.g. http://127.0.0.1:7443; several, comma-separated, for failover. */
  gatewayUrl: string;
  /** PEM file of the CA (or self-signed certificate) an https:// gateway's certificate must chain to. */
  gatewayCa?: string;
  /** "sha256:<hex>" (several comma-separated): accept exactly this gateway certificate, whatever signed it. */
  gatewayCaPin?: string;
  /** This cluster's id; it becomes the sink tenant. */
  clusterId: string;
  /** Where the agent keeps its state: its credential, once enrolled. */
  dataDir?: string;
  /** `ferry tokens create`'s token, traded for the agent's credential on first contact. */
  bootstrapToken?: string;
  /** HOST:PORT on which the cluster's Prometheus can remote_write live data (path /api/v1/write). */
  remoteWriteListen?: string;
  /**
   * Kubeconfig file for Prometheus discovery. Without it the agent uses its pod's service account
   * when it runs in a cluster (KUBERNETES_SERVICE_HOST is set), and has no discovery otherwise.
   */
  kubeconfig?: string;
  /** Discover only in this namespace (for an agent whose RBAC covers one namespace). */
  discoveryNamespace?: string;
  /** HOST:PORT of an HTTP/1.1 listener serving Prometheus metrics at /metrics; none when unset. */
  metricsListen?: string;
  logger?: Logger;
  /** Tuning of the import engine; defaults suit most sources. */
  import?: ImportTuning;
}

export interface ImportTuning {
  /** Write requests in flight per import (the memory bound is this × the batch size). */
  concurrency?: number;
  /**
   * Samples per write request (default 40 000). Keep it under the sink's per-tenant burst
   * (Cortex's ingestion_burst_size): a larger request is never admitted.
   */
  batchSamples?: number;
  /** Uncompressed remote-read bytes a time window should come close to. */
  windowTargetBytes?: number;
  /** Duration of the first window, before sizing by response bytes takes over. */
  initialWindowMs?: number;
  /** Shortest window. */
  minWindowMs?: number;
  /** A window whose remote reads keep failing this long fails the import. */
  readDeadlineMs?: number;
}

export interface RunningAgent {
  /** URL of the live remote-write endpoint, when remoteWriteListen was given. */
  readonly remoteWriteUrl: string | undefined;
  /** http://HOST:PORT/metrics when metricsListen was given. */
  readonly metricsUrl?: string;
  /** Resolves once the first session with the gateway is established. */
  ready(): Promise<void>;
  /**
   * Rejects when the agent stops on its own: the gateway refused its credential for good
   * (revoked, unknown, another cluster's). Never resolves.
   */
  readonly failed: Promise<never>;
  close(): Promise<void>;
}
