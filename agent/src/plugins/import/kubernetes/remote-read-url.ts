export interface RemoteReadAddress {
  scheme: "http" | "https";
  /** Cluster DNS name, e.g. prometheus-k8s.monitoring.svc. */
  host: string;
  port: number;
  /** spec.routePrefix: Prometheus serves its API under it ("/" when unset). */
  routePrefix: string;
}

export const REMOTE_READ_PATH = "/api/v1/read";

/**
 * The complete remote-read URL. Prometheus adds a missing leading slash to --web.route-prefix and
 * ignores a trailing one, so "prom", "/prom" and "/prom/" all serve /prom/api/v1/read.
 */
export function remoteReadUrl(address: RemoteReadAddress): string {
  const prefix = address.routePrefix
    .split("/")
    .filter((segment) => segment !== "")
    .map((segment) => `/${segment}`)
    .join("");
  return `${address.scheme}://${address.host}:${address.port}${prefix}${REMOTE_READ_PATH}`;
}

/** The name of a Service inside the cluster: reachable from any namespace. */
export function serviceHost(name: string, namespace: string): string {
  return `${name}.${namespace}.svc`;
}
