import { writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

/**
 * A stand-in for a Kubernetes API server that answers the few paths @kubernetes/client-node
 * calls for Prometheus discovery, with objects in the API's JSON shapes:
 *
 *   GET /apis/monitoring.coreos.com/v1/prometheuses                   (every namespace)
 *   GET /apis/monitoring.coreos.com/v1/namespaces/NS/prometheuses
 *   GET /api/v1/namespaces/NS/services
 *
 * Lists honour `limit` up to the cluster's page size and hand out opaque `continue` tokens, as
 * the API server does; errors are Status objects. Requests must carry the bearer token of the
 * kubeconfig written by `writeKubeconfig`.
 */
export interface FakeClusterSpec {
  prometheuses?: PrometheusManifest[];
  services?: ServiceManifest[];
  /** false: the monitoring.coreos.com group is unknown, as before the operator's CRDs are installed. */
  crdInstalled?: boolean;
  /** Lists the agent's RBAC does not allow; namespace undefined means the cluster-wide list. */
  forbidden?: Array<{ resource: "prometheuses" | "services"; namespace?: string }>;
  /**
   * The agent is bound by RoleBindings in these namespaces only (no ClusterRoleBinding): every
   * other namespace and every cluster-wide list are forbidden.
   */
  allowedNamespaces?: string[];
  /** Most items per page, whatever `limit` asks (API servers may answer with fewer). */
  pageSize?: number;
  /** Every answer waits this long. */
  delayMs?: number;
}

export interface FakeKubeApi {
  readonly url: string;
  /** Path and query of every request, in arrival order. */
  readonly requests: string[];
  /** Writes a kubeconfig whose current context is this server; returns its path. */
  writeKubeconfig(dir: string, name: string): Promise<string>;
  close(): Promise<void>;
}

export type PrometheusManifest = ReturnType<typeof prometheusManifest>;
export type ServiceManifest = ReturnType<typeof serviceManifest>;

const TOKEN = "ferry-agent-token";
const SERVICE_ACCOUNT = "system:serviceaccount:ferry:ferry-agent";

export async function startFakeKubeApi(spec: FakeClusterSpec): Promise<FakeKubeApi> {
  const requests: string[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    requests.push(req.url ?? "");
    const reply = () => {
      const { code, body } = answer(spec, req);
      res.writeHead(code, { "content-type": "application/json", "cache-control": "no-cache, private" });
      res.end(JSON.stringify(body));
    };
    if (!spec.delayMs) return reply();
    const timer = setTimeout(() => {
      timers.delete(timer);
      reply();
    }, spec.delayMs);
    timers.add(timer);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    async writeKubeconfig(dir, name) {
      const path = join(dir, `${name}.kubeconfig`);
      await writeFile(path, kubeconfig(name, url));
      return path;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// client-node refuses a plain-http server unless the cluster skips TLS verification.
function kubeconfig(name: string, server: string): string {
  return `apiVersion: v1
kind: Config
clusters:
  - name: ${name}
    cluster:
      server: ${server}
      insecure-skip-tls-verify: true
users:
  - name: ferry-agent
    user:
      token: ${TOKEN}
contexts:
  - name: ${name}
    context:
      cluster: ${name}
      user: ferry-agent
current-context: ${name}
`;
}

const CLUSTER_PROMETHEUSES = /^\/apis\/monitoring\.coreos\.com\/v1\/prometheuses$/;
const NAMESPACED_PROMETHEUSES =
  /^\/apis\/monitoring\.coreos\.com\/v1\/namespaces\/([a-z0-9-]+)\/prometheuses$/;
const NAMESPACED_SERVICES = /^\/api\/v1\/namespaces\/([a-z0-9-]+)\/services$/;

interface Answer {
  code: number;
  body: unknown;
}

function answer(spec: FakeClusterSpec, req: IncomingMessage): Answer {
  const url = new URL(req.url ?? "/", "http://fake");
  if (req.headers.authorization !== `Bearer ${TOKEN}`) {
    return { code: 401, body: status(401, "Unauthorized", "Unauthorized") };
  }
  if (req.method !== "GET") return { code: 405, body: status(405, "MethodNotAllowed", "method not allowed") };
  if (CLUSTER_PROMETHEUSES.test(url.pathname) || NAMESPACED_PROMETHEUSES.test(url.pathname)) {
    if (spec.crdInstalled === false) return notFound();
    const namespace = NAMESPACED_PROMETHEUSES.exec(url.pathname)?.[1];
    if (isForbidden(spec, "prometheuses", namespace)) {
      return { code: 403, body: forbidden("prometheuses", "monitoring.coreos.com", namespace) };
    }
    const items = (spec.prometheuses ?? []).filter((p) => !namespace || p.metadata.namespace === namespace);
    return list(url, spec, "monitoring.coreos.com/v1", "PrometheusList", items);
  }
  const services = NAMESPACED_SERVICES.exec(url.pathname);
  if (services) {
    const namespace = services[1] ?? "";
    if (isForbidden(spec, "services", namespace))
      return { code: 403, body: forbidden("services", "", namespace) };
    const items = (spec.services ?? []).filter((s) => s.metadata.namespace === namespace);
    return list(url, spec, "v1", "ServiceList", items);
  }
  return notFound();
}

function notFound(): Answer {
  return { code: 404, body: status(404, "NotFound", "the server could not find the requested resource") };
}

function isForbidden(spec: FakeClusterSpec, resource: string, namespace: string | undefined): boolean {
  if (spec.allowedNamespaces && (!namespace || !spec.allowedNamespaces.includes(namespace))) return true;
  return (spec.forbidden ?? []).some((rule) => rule.resource === resource && rule.namespace === namespace);
}

function list(
  url: URL,
  spec: FakeClusterSpec,
  apiVersion: string,
  kind: string,
  all: ReadonlyArray<{ metadata: { namespace: string; name: string } }>,
): Answer {
  const items = [...all].sort(
    (a, b) =>
      a.metadata.namespace.localeCompare(b.metadata.namespace) ||
      a.metadata.name.localeCompare(b.metadata.name),
  );
  const limit = Number(url.searchParams.get("limit") ?? "0");
  const pageSize = Math.min(
    limit > 0 ? limit : Number.POSITIVE_INFINITY,
    spec.pageSize ?? Number.POSITIVE_INFINITY,
  );
  const token = url.searchParams.get("continue");
  let start = 0;
  if (token) {
    const decoded = decodeContinue(token);
    if (decoded === undefined) {
      return { code: 400, body: status(400, "BadRequest", `invalid continue token "${token}"`) };
    }
    start = decoded;
  }
  const page = items.slice(start, start + pageSize);
  const next = start + page.length;
  const metadata: Record<string, unknown> = { resourceVersion: RESOURCE_VERSION };
  if (next < items.length) {
    metadata.continue = encodeContinue(next);
    metadata.remainingItemCount = items.length - next;
  }
  return { code: 200, body: { apiVersion, kind, metadata, items: page } };
}

const RESOURCE_VERSION = "48213";

// The API server's tokens are base64 JSON naming the resource version and the next key.
function encodeContinue(next: number): string {
  return Buffer.from(
    JSON.stringify({ v: "meta.k8s.io/v1", rv: Number(RESOURCE_VERSION), start: next }),
  ).toString("base64");
}

function decodeContinue(token: string): number | undefined {
  try {
    const value = JSON.parse(Buffer.from(token, "base64").toString("utf8")) as { start?: unknown };
    return typeof value.start === "number" ? value.start : undefined;
  } catch {
    return undefined;
  }
}

function status(code: number, reason: string, message: string, details: object = {}) {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    details,
    code,
  };
}

function forbidden(resource: string, group: string, namespace: string | undefined) {
  const qualified = group ? `${resource}.${group}` : resource;
  const where = namespace ? `in the namespace "${namespace}"` : "at the cluster scope";
  return status(
    403,
    "Forbidden",
    `${qualified} is forbidden: User "${SERVICE_ACCOUNT}" cannot list resource "${resource}" in API group "${group}" ${where}`,
    { kind: resource, ...(group ? { group } : {}) },
  );
}

let uid = 0;
const nextUid = () => `6f1d2c3e-0000-4000-8000-${String(++uid).padStart(12, "0")}`;
const CREATED = "2026-01-05T09:30:00Z";

/** A monitoring.coreos.com/v1 Prometheus as the API server returns it. */
export function prometheusManifest(
  namespace: string,
  name: string,
  spec: Record<string, unknown> = {},
  labels: Record<string, string> = {},
) {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "Prometheus",
    metadata: {
      name,
      namespace,
      uid: nextUid(),
      resourceVersion: "40112",
      generation: 1,
      creationTimestamp: CREATED,
      labels,
    },
    spec: { replicas: 1, serviceAccountName: "prometheus", serviceMonitorSelector: {}, ...spec },
    status: { availableReplicas: 1, paused: false, replicas: 1, unavailableReplicas: 0, updatedReplicas: 1 },
  };
}

export interface ServicePortManifest {
  name?: string;
  port: number;
  targetPort?: number | string;
}

/** A core/v1 Service as the API server returns it. */
export function serviceManifest(
  namespace: string,
  name: string,
  options: {
    selector: Record<string, string>;
    ports: ServicePortManifest[];
    headless?: boolean;
    labels?: Record<string, string>;
  },
) {
  const clusterIP = options.headless ? "None" : `10.43.${(uid % 250) + 1}.${(uid * 7) % 250}`;
  return {
    metadata: {
      name,
      namespace,
      uid: nextUid(),
      resourceVersion: "40177",
      creationTimestamp: CREATED,
      labels: options.labels ?? {},
    },
    spec: {
      ports: options.ports.map((p) => ({ protocol: "TCP", ...p, targetPort: p.targetPort ?? p.port })),
      selector: options.selector,
      clusterIP,
      clusterIPs: [clusterIP],
      type: "ClusterIP",
      sessionAffinity: "None",
      ipFamilies: ["IPv4"],
      ipFamilyPolicy: "SingleStack",
      internalTrafficPolicy: "Cluster",
    },
    status: { loadBalancer: {} },
  };
}

/** The headless Service the operator creates in every namespace holding a Prometheus. */
export function operatedServiceManifest(namespace: string, portName = "web") {
  return serviceManifest(namespace, "prometheus-operated", {
    headless: true,
    labels: { "operated-prometheus": "true" },
    selector: { "app.kubernetes.io/name": "prometheus" },
    ports: [{ name: portName, port: 9090, targetPort: portName }],
  });
}
