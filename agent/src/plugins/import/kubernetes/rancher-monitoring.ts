import type { PrometheusObject } from "./prometheus-object";

/** Where Rancher's monitoring app (the rancher-monitoring chart) installs itself. */
export const RANCHER_MONITORING_NAMESPACE = "cattle-monitoring-system";

/**
 * rancher-monitoring is kube-prometheus-stack repackaged: its Prometheus lives in
 * cattle-monitoring-system and carries the chart's release labels.
 */
export function looksLikeRancherMonitoring(prometheus: PrometheusObject): boolean {
  const { labels } = prometheus;
  return (
    prometheus.namespace === RANCHER_MONITORING_NAMESPACE ||
    labels.release === "rancher-monitoring" ||
    (labels.chart ?? "").startsWith("rancher-monitoring-")
  );
}
