import { Code, ConnectError } from "@connectrpc/connect";
import type { Logger } from "pino";
import type { PrometheusDiscovery } from "../discovery";
import { createClientNodeApi, KubeconfigError } from "./client-node-api";
import { KubeDiscovery } from "./kube-discovery";
import { describeSource, type Env, kubeconfigSourceFrom } from "./kubeconfig-source";

export interface KubeDiscoverySettings {
  /** --kubeconfig: a kubeconfig file; its current context is used. */
  kubeconfig?: string;
  /** --discovery-namespace: search only this namespace. */
  namespace?: string;
  env: Env;
  logger: Logger;
}

/**
 * Kubernetes discovery as the agent's settings and environment allow, or undefined when neither
 * a kubeconfig nor a service account is there. A --kubeconfig that cannot be loaded throws
 * KubeconfigError (the agent refuses to start); a broken service account only makes discovery
 * answer FailedPrecondition, since imports do not need it.
 */
export async function createKubeDiscovery(
  settings: KubeDiscoverySettings,
): Promise<PrometheusDiscovery | undefined> {
  const source = kubeconfigSourceFrom(settings.kubeconfig, settings.env);
  if (!source) return undefined;
  try {
    const api = await createClientNodeApi(source);
    settings.logger.info(
      { source: describeSource(source), server: api.server },
      "Kubernetes discovery enabled",
    );
    return new KubeDiscovery({ api, namespace: settings.namespace });
  } catch (error) {
    if (!(error instanceof KubeconfigError) || source.kind === "file") throw error;
    settings.logger.warn({ err: error }, "Kubernetes discovery disabled");
    return {
      async discover() {
        throw new ConnectError(error.message, Code.FailedPrecondition);
      },
    };
  }
}
