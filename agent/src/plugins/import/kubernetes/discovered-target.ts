import { create } from "@bufbuild/protobuf";
import { type DiscoveredTarget, DiscoveredTargetSchema } from "@ferry/api";
import type { PrometheusObject } from "./prometheus-object";
import { looksLikeRancherMonitoring } from "./rancher-monitoring";
import { remoteReadUrl } from "./remote-read-url";
import type { ServiceRoute } from "./service-match";

/** What discovery learnt about the Services of a Prometheus's namespace. */
export type ServiceLookup =
  | { kind: "found"; route: ServiceRoute | undefined }
  /** Services could not be listed (403); the route is the operator's convention. */
  | { kind: "assumed"; route: ServiceRoute; reason: string };

/** One discovery entry: the remote-read URL when there is a way in, and notes a person should read. */
export function toDiscoveredTarget(prometheus: PrometheusObject, lookup: ServiceLookup): DiscoveredTarget {
  const notes: string[] = [];
  if (looksLikeRancherMonitoring(prometheus)) notes.push("rancher-monitoring");
  let url = "";
  if (prometheus.listenLocal) {
    notes.push("spec.listenLocal: Prometheus listens on localhost only, no Service reaches it");
  } else if (lookup.route) {
    url = remoteReadUrl({
      scheme: prometheus.tls ? "https" : "http",
      host: lookup.route.host,
      port: lookup.route.port,
      routePrefix: prometheus.routePrefix,
    });
    if (lookup.route.kind === "pod") {
      notes.push(
        `${lookup.route.service.name} also selects other Prometheus here: the URL names this one's first pod`,
      );
    }
  } else {
    notes.push("no Service selects its pods");
  }
  if (lookup.kind === "assumed")
    notes.push(`${lookup.reason}; URL assumes the operator's ${lookup.route.service.name}`);
  if (prometheus.shards > 1) notes.push(`${prometheus.shards} shards: the URL reads shard 0's series only`);
  return create(DiscoveredTargetSchema, {
    namespace: prometheus.namespace,
    name: prometheus.name,
    remoteReadUrl: url,
    externalUrl: prometheus.externalUrl,
    version: prometheus.version,
    note: notes.join("; "),
  });
}
