import { MetricsServer } from "@ferry/metrics-http";
import pino, { type Logger } from "pino";
import type { AgentOptions, ImportTuning, RunningAgent } from "./agent-options";
import { AgentOptionError, gatewayTrustFrom, parseHostPort, requireHttpUrl } from "./compile-options";
import { AgentMetrics } from "./core/agent-metrics";
import { CredentialFileError } from "./core/credential-file";
import { Enrollment } from "./core/enrollment";
import { GatewayLink } from "./core/gateway-link";
import { LinkState } from "./core/link-state";
import type { AgentCore, AgentPlugin } from "./core/plugin";
import { PUSH_RETRY_BACKOFF, PushClient } from "./core/push-client";
import { RemoteWriteProxy } from "./core/remote-write-proxy";
import { importPlugin } from "./plugins/import";
import { DEFAULT_IMPORT_RUN, type ImportRunOptions } from "./plugins/import/import-run";
import { KubeconfigError } from "./plugins/import/kubernetes/client-node-api";
import { createKubeDiscovery } from "./plugins/import/kubernetes/create-kube-discovery";

export const AGENT_VERSION = "0.1.0";

/** The composition root: the link, the push path, the live remote-write proxy and the plugins. */
export async function startAgent(options: AgentOptions): Promise<RunningAgent> {
  // A comma-separated list: gateways sharing one etcd, of which the leader serves.
  const gatewayUrls = options.gatewayUrl.split(",").map((url) => requireHttpUrl("gateway", url.trim()));
  if (!options.clusterId) throw new AgentOptionError("cluster", "is required");
  const listen = options.remoteWriteListen
    ? parseHostPort("remote-write-listen", options.remoteWriteListen)
    : undefined;
  const metricsListen = options.metricsListen
    ? parseHostPort("metrics-listen", options.metricsListen)
    : undefined;
  const logger = options.logger ?? pino({ name: "ferry-agent" }, pino.destination(2));

  const discovery = await kubeDiscovery(options, logger);
  const enrollment = new Enrollment({
    clusterId: options.clusterId,
    agentVersion: AGENT_VERSION,
    bootstrapToken: options.bootstrapToken,
    dataDir: options.dataDir,
    logger,
  });
  await enrollment.load().catch((error: unknown) => {
    throw error instanceof CredentialFileError ? new AgentOptionError("data-dir", error.message) : error;
  });

  const link = new GatewayLink({
    gatewayUrls,
    clusterId: options.clusterId,
    agentVersion: AGENT_VERSION,
    enrollment,
    logger,
    trust: gatewayTrustFrom(gatewayUrls, options.gatewayCa, options.gatewayCaPin),
  });
  const metrics = new AgentMetrics(options.clusterId, AGENT_VERSION);
  metrics.trackLink(link);
  const push = new PushClient(link, logger, PUSH_RETRY_BACKOFF, metrics);
  const core: AgentCore = {
    clusterId: options.clusterId,
    dataDir: options.dataDir,
    logger,
    push,
    metrics,
    sendEvent: (body) => link.sendEvent(body),
  };
  const plugins: AgentPlugin[] = [importPlugin({ discovery, run: importRunOptions(options.import) })(core)];
  link.setPlugins(plugins);

  let proxy: RemoteWriteProxy | undefined;
  let remoteWriteUrl: string | undefined;
  if (listen) {
    proxy = new RemoteWriteProxy({ ...listen, push, logger, metrics });
    remoteWriteUrl = await proxy.listen();
    logger.info({ url: remoteWriteUrl }, "accepting live remote write");
  }
  const metricsServer = metricsListen ? new MetricsServer(metrics.registry) : undefined;
  let metricsUrl: string | undefined;
  if (metricsServer && metricsListen) {
    metricsUrl = await metricsServer.listen(metricsListen.host, metricsListen.port).catch(async (error) => {
      await proxy?.close();
      throw new AgentOptionError("metrics-listen", (error as Error).message);
    });
    logger.info({ metrics: metricsUrl }, "serving metrics");
  }
  link.start();

  const ready = new Promise<void>((resolve, reject) => {
    if (link.state === LinkState.Ready) resolve();
    link.on("state", (state) => {
      if (state === LinkState.Ready) resolve();
    });
    link.once("fatal", reject);
  });
  ready.catch(() => undefined);
  const failed = new Promise<never>((_, reject) => link.once("fatal", reject));
  failed.catch(() => undefined);

  return {
    remoteWriteUrl,
    metricsUrl,
    ready: () => ready,
    failed,
    async close() {
      await proxy?.close();
      await metricsServer?.close();
      for (const plugin of plugins) await plugin.close();
      await link.close();
    },
  };
}

async function kubeDiscovery(options: AgentOptions, logger: Logger) {
  try {
    return await createKubeDiscovery({
      kubeconfig: options.kubeconfig,
      namespace: options.discoveryNamespace,
      env: process.env,
      logger,
    });
  } catch (error) {
    if (error instanceof KubeconfigError) throw new AgentOptionError("kubeconfig", error.message);
    throw error;
  }
}

function importRunOptions(tuning: ImportTuning = {}): ImportRunOptions {
  const d = DEFAULT_IMPORT_RUN;
  return {
    ...d,
    concurrency: positive("import concurrency", tuning.concurrency ?? d.concurrency),
    readDeadlineMs: positive("read deadline", tuning.readDeadlineMs ?? d.readDeadlineMs),
    limits: {
      ...d.limits,
      maxSamples: positive("batch samples", tuning.batchSamples ?? d.limits.maxSamples),
    },
    planner: {
      targetBytes: positive("window target bytes", tuning.windowTargetBytes ?? d.planner.targetBytes),
      initialMs: positive("initial window", tuning.initialWindowMs ?? d.planner.initialMs),
      minMs: positive("min window", tuning.minWindowMs ?? d.planner.minMs),
      maxMs: d.planner.maxMs,
    },
  };
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new AgentOptionError(name.replace(/ /g, "-"), "must be positive");
  return value;
}
