import type { PrometheusObject } from "./prometheus-object";
import type { ServiceObject } from "./service-object";

/**
 * The Kubernetes reads discovery needs. The real one drives @kubernetes/client-node
 * (client-node-api.ts); specs use an in-memory one. Both follow list pagination themselves and
 * throw KubeApiError for an answer other than 200.
 */
export interface KubeApi {
  /** Every Prometheus in `namespace`, or in every namespace when it is undefined. */
  listPrometheuses(namespace: string | undefined, signal: AbortSignal): Promise<PrometheusObject[]>;
  listServices(namespace: string, signal: AbortSignal): Promise<ServiceObject[]>;
}
