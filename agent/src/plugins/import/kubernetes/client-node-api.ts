import type { KubeApi } from "./kube-api";
import { KubeApiError, type KubeRequest } from "./kube-api-error";
import { describeSource, type KubeconfigSource } from "./kubeconfig-source";
import { LIST_PAGE_LIMIT, listAllPages } from "./list-pages";
import { type PrometheusObject, parsePrometheus } from "./prometheus-object";
import type { ServiceObject, ServicePortObject } from "./service-object";

const GROUP = "monitoring.coreos.com";
const VERSION = "v1";
const PLURAL = "prometheuses";

/**
 * @kubernetes/client-node 1.x is an ES module. It is loaded with a real dynamic import (TypeScript
 * keeps `import()` as is in CommonJS output, and a type-only import of it would need an import
 * attribute), so the agent pays for it only when discovery is configured.
 */
const loadClientNode = () => import("@kubernetes/client-node");

type ClientNode = Awaited<ReturnType<typeof loadClientNode>>;
type KubeConfig = InstanceType<ClientNode["KubeConfig"]>;
type V1Service = InstanceType<ClientNode["V1Service"]>;

/** Thrown when the kubeconfig cannot be loaded or has no current cluster. */
export class KubeconfigError extends Error {
  override readonly name = "KubeconfigError";
  readonly code = "invalid_kubeconfig";
}

/** A KubeApi over @kubernetes/client-node, authenticated as the source says. */
export async function createClientNodeApi(source: KubeconfigSource): Promise<KubeApi & { server: string }> {
  const k8s = await loadClientNode();
  const config = new k8s.KubeConfig();
  try {
    if (source.kind === "file") config.loadFromFile(source.path);
    else config.loadFromCluster();
  } catch (error) {
    throw new KubeconfigError(`cannot load ${describeSource(source)}: ${messageOf(error)}`, { cause: error });
  }
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new KubeconfigError(`${describeSource(source)} has no current context with a cluster`);
  return new ClientNodeApi(k8s, config, cluster.server);
}

class ClientNodeApi implements KubeApi {
  constructor(
    private readonly k8s: ClientNode,
    private readonly config: KubeConfig,
    readonly server: string,
  ) {}

  async listPrometheuses(namespace: string | undefined, signal: AbortSignal): Promise<PrometheusObject[]> {
    const api = this.client(this.k8s.CustomObjectsApi, signal);
    const request = { resource: `${PLURAL}.${GROUP}`, namespace };
    const raw = await this.call(request, signal, () =>
      listAllPages<unknown>(async (token) => {
        const page: unknown = namespace
          ? await api.listNamespacedCustomObject({
              group: GROUP,
              version: VERSION,
              namespace,
              plural: PLURAL,
              limit: LIST_PAGE_LIMIT,
              _continue: token,
            })
          : await api.listCustomObjectForAllNamespaces({
              group: GROUP,
              version: VERSION,
              plural: PLURAL,
              limit: LIST_PAGE_LIMIT,
              _continue: token,
            });
        return customObjectPage(page);
      }, signal),
    );
    return raw.map(parsePrometheus);
  }

  async listServices(namespace: string, signal: AbortSignal): Promise<ServiceObject[]> {
    const api = this.client(this.k8s.CoreV1Api, signal);
    const services = await this.call({ resource: "services", namespace }, signal, () =>
      listAllPages(async (token) => {
        const page = await api.listNamespacedService({ namespace, limit: LIST_PAGE_LIMIT, _continue: token });
        return { items: page.items, continueToken: page.metadata?._continue };
      }, signal),
    );
    return services.map((s) => toServiceObject(namespace, s));
  }

  /**
   * An API client whose requests carry `signal`: client-node 1.x takes it through a request
   * middleware (RequestContext.setSignal), handed to fetch.
   */
  private client<T>(
    api: new (configuration: ReturnType<ClientNode["createConfiguration"]>) => T,
    signal: AbortSignal,
  ): T {
    const { k8s } = this;
    return new api(
      k8s.createConfiguration({
        baseServer: new k8s.ServerConfiguration(this.server, {}),
        authMethods: { default: this.config },
        promiseMiddleware: [
          {
            pre: async (context) => {
              context.setSignal(signal);
              return context;
            },
            post: async (context) => context,
          },
        ],
      }),
    );
  }

  private async call<T>(request: KubeRequest, signal: AbortSignal, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw this.toKubeApiError(request, signal, error);
    }
  }

  private toKubeApiError(request: KubeRequest, signal: AbortSignal, error: unknown): KubeApiError {
    if (error instanceof KubeApiError) return error;
    if (error instanceof this.k8s.ApiException) {
      const status = statusObject(error.body);
      const code = typeof error.code === "number" ? error.code : 0;
      return new KubeApiError(request, code, status.reason, status.message || `HTTP ${code}`, {
        cause: error,
      });
    }
    if (signal.aborted) return new KubeApiError(request, 0, "Aborted", "request cancelled", { cause: error });
    return new KubeApiError(
      request,
      0,
      "Unreachable",
      `Kubernetes API at ${this.server}: ${messageOf(error)}`,
      { cause: error },
    );
  }
}

/** items and metadata.continue of a custom-object list, which client-node returns undecoded. */
function customObjectPage(page: unknown): { items: unknown[]; continueToken: string | undefined } {
  if (typeof page !== "object" || page === null) return { items: [], continueToken: undefined };
  const list = page as { items?: unknown; metadata?: { continue?: unknown } };
  const items = Array.isArray(list.items) ? (list.items as unknown[]) : [];
  const token = list.metadata?.continue;
  return { items, continueToken: typeof token === "string" && token ? token : undefined };
}

function toServiceObject(namespace: string, service: V1Service): ServiceObject {
  const ports: ServicePortObject[] = (service.spec?.ports ?? []).map((p) => ({
    name: p.name ?? "",
    port: p.port,
    targetPort: p.targetPort,
  }));
  return {
    namespace: service.metadata?.namespace ?? namespace,
    name: service.metadata?.name ?? "",
    labels: service.metadata?.labels ?? {},
    selector: service.spec?.selector ?? {},
    headless: service.spec?.clusterIP === "None",
    ports,
  };
}

/** reason and message of the Status object an API server answers errors with. */
function statusObject(body: unknown): { reason: string; message: string } {
  let value = body;
  if (typeof body === "string") {
    try {
      value = JSON.parse(body);
    } catch {
      return { reason: "", message: body.trim().slice(0, 300) };
    }
  }
  if (typeof value !== "object" || value === null) return { reason: "", message: "" };
  const status = value as { reason?: unknown; message?: unknown };
  return {
    reason: typeof status.reason === "string" ? status.reason : "",
    message: typeof status.message === "string" ? status.message : "",
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
