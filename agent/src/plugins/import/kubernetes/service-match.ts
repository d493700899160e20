import { podLabelsOf, selects } from "./pod-labels";
import type { PrometheusObject } from "./prometheus-object";
import { serviceHost } from "./remote-read-url";
import type { ServiceObject, ServicePortObject } from "./service-object";

/** The operator's headless governing Service: one per namespace, selecting every Prometheus in it. */
export const GOVERNING_SERVICE = "prometheus-operated";

/** Prometheus's container port; the operator never changes it (only its name, spec.portName). */
export const PROMETHEUS_CONTAINER_PORT = 9090;

/**
 * How to reach one Prometheus: through a Service that selects only its pods ("instance"), or
 * through the governing Service, by its name when the Prometheus is alone in its namespace
 * ("governing") or else by the stable DNS name of its first pod ("pod").
 */
export interface ServiceRoute {
  kind: "instance" | "governing" | "pod";
  service: ServiceObject;
  /** DNS name, without the cluster domain. */
  host: string;
  port: number;
}

/**
 * Picks the Service to read `prometheus` through, among the Services of its namespace.
 * `neighbours` are the other Prometheus objects of the namespace: a Service that also selects
 * one of their pods would spread reads over several servers with different data.
 */
export function findServiceRoute(
  prometheus: PrometheusObject,
  services: readonly ServiceObject[],
  neighbours: readonly PrometheusObject[],
): ServiceRoute | undefined {
  const labels = podLabelsOf(prometheus);
  const others = neighbours.filter((n) => n.name !== prometheus.name).map(podLabelsOf);
  const ranked: Array<{ rank: number; route: ServiceRoute }> = [];
  for (const service of services) {
    if (!selects(service.selector, labels)) continue;
    const port = connectPort(service, prometheus);
    if (port === undefined) continue;
    const exclusive = !others.some((other) => selects(service.selector, other));
    const host = serviceHost(service.name, service.namespace);
    if (isGoverning(service)) {
      if (exclusive) ranked.push({ rank: 2, route: { kind: "governing", service, host, port } });
      else ranked.push({ rank: 3, route: podRoute(prometheus, service) });
    } else if (exclusive) {
      ranked.push({ rank: service.headless ? 1 : 0, route: { kind: "instance", service, host, port } });
    }
  }
  ranked.sort((a, b) => a.rank - b.rank || a.route.service.name.localeCompare(b.route.service.name));
  return ranked[0]?.route;
}

/**
 * Used when Services cannot be listed: the operator creates prometheus-operated in every
 * namespace that holds a Prometheus, so its name is the best guess.
 */
export function assumedGoverningRoute(prometheus: PrometheusObject, shared: boolean): ServiceRoute {
  const service: ServiceObject = {
    namespace: prometheus.namespace,
    name: GOVERNING_SERVICE,
    labels: { "operated-prometheus": "true" },
    selector: { "app.kubernetes.io/name": "prometheus" },
    headless: true,
    ports: [{ name: prometheus.portName, port: PROMETHEUS_CONTAINER_PORT, targetPort: prometheus.portName }],
  };
  if (shared) return podRoute(prometheus, service);
  return {
    kind: "governing",
    service,
    host: serviceHost(GOVERNING_SERVICE, prometheus.namespace),
    port: PROMETHEUS_CONTAINER_PORT,
  };
}

export function isGoverning(service: ServiceObject): boolean {
  return service.name === GOVERNING_SERVICE || service.labels["operated-prometheus"] === "true";
}

/** prometheus-<name>-0: the StatefulSet's first pod, named through its governing Service. */
function podRoute(prometheus: PrometheusObject, service: ServiceObject): ServiceRoute {
  const pod = `prometheus-${prometheus.name}-0`;
  return {
    kind: "pod",
    service,
    host: `${pod}.${serviceHost(service.name, service.namespace)}`,
    port: PROMETHEUS_CONTAINER_PORT,
  };
}

/**
 * The port a client dials to reach Prometheus through `service`. A ClusterIP Service forwards its
 * `port`; a headless one resolves to pod addresses, so the client dials the container port.
 */
function connectPort(service: ServiceObject, prometheus: PrometheusObject): number | undefined {
  const port = webPort(service.ports, prometheus);
  if (!port) return undefined;
  if (!service.headless) return port.port;
  if (port.targetPort === undefined) return port.port;
  if (typeof port.targetPort === "number") return port.targetPort;
  return port.targetPort === prometheus.portName ? PROMETHEUS_CONTAINER_PORT : undefined;
}

/**
 * The Service port that leads to Prometheus's web port, by how surely it does: targeting the
 * container port by name or number, then named like it (kube-prometheus-stack says "http-web"),
 * then exposing 9090 (rancher-monitoring's targets its nginx proxy, which forwards to 9090),
 * then the only port there is.
 */
function webPort(
  ports: readonly ServicePortObject[],
  prometheus: PrometheusObject,
): ServicePortObject | undefined {
  const tests: Array<(p: ServicePortObject) => boolean> = [
    (p) => p.targetPort === prometheus.portName || p.targetPort === PROMETHEUS_CONTAINER_PORT,
    (p) => p.targetPort === undefined && p.port === PROMETHEUS_CONTAINER_PORT,
    (p) => p.name === prometheus.portName || p.name === "http-web",
    (p) => p.port === PROMETHEUS_CONTAINER_PORT,
  ];
  for (const test of tests) {
    const found = ports.find(test);
    if (found) return found;
  }
  return ports.length === 1 ? ports[0] : undefined;
}
