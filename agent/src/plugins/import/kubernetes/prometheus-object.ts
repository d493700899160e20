/**
 * The fields of a monitoring.coreos.com/v1 Prometheus that discovery reads, narrowed from the
 * API's JSON. Absent fields keep the operator's defaults (routePrefix "/", portName "web").
 */
export interface PrometheusObject {
  namespace: string;
  name: string;
  labels: Readonly<Record<string, string>>;
  /** spec.routePrefix; the operator passes "/" when it is empty. */
  routePrefix: string;
  externalUrl: string;
  version: string;
  /** spec.portName: the name of Prometheus's container port (9090). */
  portName: string;
  /** spec.web.tlsConfig is set: Prometheus serves https. */
  tls: boolean;
  /** spec.listenLocal: Prometheus listens on 127.0.0.1 only and no Service can reach it. */
  listenLocal: boolean;
  /** spec.podMetadata.labels: extra labels on its pods, which a Service may select. */
  podLabels: Readonly<Record<string, string>>;
  /** spec.shards (1 when absent). */
  shards: number;
}

export const DEFAULT_ROUTE_PREFIX = "/";
export const DEFAULT_PORT_NAME = "web";

/** Thrown for an item of a PrometheusList that lacks what every Prometheus object has. */
export class MalformedObjectError extends Error {
  readonly code = "malformed_object";
}

export function parsePrometheus(raw: unknown): PrometheusObject {
  const object = record(raw);
  const metadata = record(object.metadata);
  const spec = record(object.spec);
  const name = text(metadata.name);
  const namespace = text(metadata.namespace);
  if (!name || !namespace) {
    throw new MalformedObjectError("a Prometheus object without metadata.name or metadata.namespace");
  }
  const web = record(spec.web);
  const shards = typeof spec.shards === "number" && spec.shards > 1 ? Math.floor(spec.shards) : 1;
  return {
    namespace,
    name,
    labels: stringMap(metadata.labels),
    routePrefix: text(spec.routePrefix) || DEFAULT_ROUTE_PREFIX,
    externalUrl: text(spec.externalUrl),
    version: text(spec.version),
    portName: text(spec.portName) || DEFAULT_PORT_NAME,
    tls: web.tlsConfig !== undefined && web.tlsConfig !== null,
    listenLocal: spec.listenLocal === true,
    podLabels: stringMap(record(spec.podMetadata).labels),
    shards,
  };
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(record(value))) if (typeof v === "string") out[key] = v;
  return out;
}
