import type { PrometheusObject } from "./prometheus-object";

/**
 * The labels on the pods of a Prometheus's first shard, as the operator sets them
 * (pkg/prometheus/server/statefulset.go: its selector labels win over spec.podMetadata.labels).
 * `app: prometheus` is what operators before the app.kubernetes.io labels set; Services of older
 * charts, rancher-monitoring's among them, still select on it.
 */
export function podLabelsOf(prometheus: PrometheusObject): Record<string, string> {
  return {
    app: "prometheus",
    ...prometheus.podLabels,
    "app.kubernetes.io/name": "prometheus",
    "app.kubernetes.io/managed-by": "prometheus-operator",
    "app.kubernetes.io/instance": prometheus.name,
    prometheus: prometheus.name,
    "operator.prometheus.io/name": prometheus.name,
    "operator.prometheus.io/shard": "0",
  };
}

/** A Service's equality-based selector picks a pod when every pair is among the pod's labels. */
export function selects(
  selector: Readonly<Record<string, string>>,
  labels: Readonly<Record<string, string>>,
): boolean {
  const pairs = Object.entries(selector);
  return pairs.length > 0 && pairs.every(([key, value]) => labels[key] === value);
}
