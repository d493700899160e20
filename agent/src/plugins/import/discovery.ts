import { Code, ConnectError } from "@connectrpc/connect";
import type { DiscoveredPrometheus, DiscoverPrometheus } from "@ferry/api";

/** Finds Prometheus servers in the agent's cluster. */
export interface PrometheusDiscovery {
  discover(request: DiscoverPrometheus, signal: AbortSignal): Promise<DiscoveredPrometheus>;
}

/** Used when the agent has no Kubernetes access configured: says so instead of answering empty. */
export const noDiscovery: PrometheusDiscovery = {
  async discover() {
    throw new ConnectError(
      "Kubernetes discovery is not configured on this agent (no in-cluster service account, no --kubeconfig)",
      Code.FailedPrecondition,
    );
  },
};
