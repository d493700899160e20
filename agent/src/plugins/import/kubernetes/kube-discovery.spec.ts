import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { DiscoverPrometheusSchema } from "@ferry/api";
import type { KubeApi } from "./kube-api";
import { KubeApiError } from "./kube-api-error";
import { KubeDiscovery } from "./kube-discovery";
import { type PrometheusObject, parsePrometheus } from "./prometheus-object";
import type { ServiceObject } from "./service-object";

const prometheus = (namespace: string, name: string, spec: Record<string, unknown> = {}) =>
  parsePrometheus({ metadata: { namespace, name }, spec });

const operated = (namespace: string): ServiceObject => ({
  namespace,
  name: "prometheus-operated",
  labels: { "operated-prometheus": "true" },
  selector: { "app.kubernetes.io/name": "prometheus" },
  headless: true,
  ports: [{ name: "web", port: 9090, targetPort: "web" }],
});

/** An in-memory cluster; `fail` makes one call throw what an API server's error would become. */
function memoryApi(
  prometheuses: PrometheusObject[],
  services: ServiceObject[],
  fail: (resource: string, namespace: string | undefined) => Error | undefined = () => undefined,
) {
  const calls: string[] = [];
  const api: KubeApi = {
    async listPrometheuses(namespace) {
      calls.push(`prometheuses ${namespace ?? "*"}`);
      const error = fail("prometheuses.monitoring.coreos.com", namespace);
      if (error) throw error;
      return prometheuses.filter((p) => !namespace || p.namespace === namespace);
    },
    async listServices(namespace) {
      calls.push(`services ${namespace}`);
      const error = fail("services", namespace);
      if (error) throw error;
      return services.filter((s) => s.namespace === namespace);
    },
  };
  return { api, calls };
}

const kubeError = (
  resource: string,
  namespace: string | undefined,
  status: number,
  reason: string,
  message = "",
) => new KubeApiError({ resource, namespace }, status, reason, message);

const request = (namespace = "") => create(DiscoverPrometheusSchema, { namespace });
const signal = new AbortController().signal;

async function failure(promise: Promise<unknown>): Promise<ConnectError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ConnectError) return error;
    throw error;
  }
  throw new Error("expected a ConnectError");
}

describe("KubeDiscovery", () => {
  it("answers every Prometheus, sorted, with its remote-read URL and what a person should know", async () => {
    const { api, calls } = memoryApi(
      [
        prometheus("team-a", "apps", { routePrefix: "/prom", version: "v2.42.0" }),
        prometheus("cattle-monitoring-system", "rancher-monitoring-prometheus", {
          externalUrl:
            "https://rancher.example.com/k8s/clusters/c-1/api/v1/namespaces/cattle-monitoring-system/services/http:rancher-monitoring-prometheus:9090/proxy",
        }),
        prometheus("edge", "local", { listenLocal: true }),
        prometheus("big", "sharded", { shards: 3 }),
        prometheus("lonely", "orphan"),
      ],
      [operated("team-a"), operated("cattle-monitoring-system"), operated("edge"), operated("big")],
    );
    const answer = await new KubeDiscovery({ api }).discover(request(), signal);
    expect(answer.targets.map((t) => [t.namespace, t.name, t.remoteReadUrl, t.note])).toEqual([
      [
        "big",
        "sharded",
        "http://prometheus-operated.big.svc:9090/api/v1/read",
        "3 shards: the URL reads shard 0's series only",
      ],
      [
        "cattle-monitoring-system",
        "rancher-monitoring-prometheus",
        "http://prometheus-operated.cattle-monitoring-system.svc:9090/api/v1/read",
        "rancher-monitoring",
      ],
      ["edge", "local", "", "spec.listenLocal: Prometheus listens on localhost only, no Service reaches it"],
      ["lonely", "orphan", "", "no Service selects its pods"],
      ["team-a", "apps", "http://prometheus-operated.team-a.svc:9090/prom/api/v1/read", ""],
    ]);
    expect(answer.targets[1]?.externalUrl).toMatch(/^https:\/\/rancher\.example\.com\//);
    expect(answer.targets[4]?.version).toBe("v2.42.0");
    expect(calls[0]).toBe("prometheuses *");
    expect(calls.slice(1).sort()).toEqual([
      "services big",
      "services cattle-monitoring-system",
      "services edge",
      "services lonely",
      "services team-a",
    ]);
  });

  it("lists one namespace when asked to", async () => {
    const { api, calls } = memoryApi(
      [prometheus("team-a", "apps"), prometheus("team-b", "x")],
      [operated("team-a")],
    );
    const answer = await new KubeDiscovery({ api }).discover(request("team-a"), signal);
    expect(answer.targets.map((t) => t.name)).toEqual(["apps"]);
    expect(calls).toEqual(["prometheuses team-a", "services team-a"]);
  });

  it("says the CRD is not installed when the API server does not know prometheuses", async () => {
    const { api } = memoryApi([], [], (resource) =>
      resource.startsWith("prometheuses") ? kubeError(resource, undefined, 404, "NotFound") : undefined,
    );
    const error = await failure(new KubeDiscovery({ api }).discover(request(), signal));
    expect(error.code).toBe(Code.NotFound);
    expect(error.rawMessage).toMatch(/^monitoring\.coreos\.com\/v1 Prometheus CRD not installed/);
  });

  it.each([
    [undefined, "at cluster scope"],
    ["secret", 'in namespace "secret"'],
  ])(
    "reports a forbidden Prometheus list (namespace %s) as PermissionDenied naming the scope",
    async (ns, where) => {
      const { api } = memoryApi([], [], (resource, namespace) =>
        resource.startsWith("prometheuses")
          ? kubeError(resource, namespace, 403, "Forbidden", "no RBAC")
          : undefined,
      );
      const error = await failure(new KubeDiscovery({ api }).discover(request(ns), signal));
      expect(error.code).toBe(Code.PermissionDenied);
      expect(error.rawMessage).toBe(`forbidden to list prometheuses.monitoring.coreos.com ${where}: no RBAC`);
    },
  );

  it("keeps answering when the Services of one namespace are forbidden, and says so", async () => {
    const { api } = memoryApi(
      [prometheus("open", "a"), prometheus("restricted", "b"), prometheus("restricted", "c")],
      [operated("open"), operated("restricted")],
      (resource, namespace) =>
        resource === "services" && namespace === "restricted"
          ? kubeError(resource, namespace, 403, "Forbidden")
          : undefined,
    );
    const answer = await new KubeDiscovery({ api }).discover(request(), signal);
    expect(answer.targets.map((t) => [t.name, t.remoteReadUrl, t.note])).toEqual([
      ["a", "http://prometheus-operated.open.svc:9090/api/v1/read", ""],
      [
        "b",
        "http://prometheus-b-0.prometheus-operated.restricted.svc:9090/api/v1/read",
        "prometheus-operated also selects other Prometheus here: the URL names this one's first pod; " +
          `forbidden to list services in namespace "restricted"; URL assumes the operator's prometheus-operated`,
      ],
      [
        "c",
        "http://prometheus-c-0.prometheus-operated.restricted.svc:9090/api/v1/read",
        "prometheus-operated also selects other Prometheus here: the URL names this one's first pod; " +
          `forbidden to list services in namespace "restricted"; URL assumes the operator's prometheus-operated`,
      ],
    ]);
  });

  it.each([
    [
      kubeError("services", "x", 503, "ServiceUnavailable", "etcd down"),
      Code.Unavailable,
      /^listing services in namespace "x" failed: etcd down$/,
    ],
    [kubeError("services", "x", 0, "Unreachable", "connect ECONNREFUSED"), Code.Unavailable, /ECONNREFUSED/],
    [
      kubeError("services", "x", 401, "Unauthorized", "Unauthorized"),
      Code.Unauthenticated,
      /refused the agent's credentials/,
    ],
  ])("fails the answer on other errors: %s", async (thrown, code, message) => {
    const { api } = memoryApi([prometheus("x", "p")], [], (resource) =>
      resource === "services" ? thrown : undefined,
    );
    const error = await failure(new KubeDiscovery({ api }).discover(request(), signal));
    expect(error.code).toBe(code);
    expect(error.rawMessage).toMatch(message);
  });

  it("gives up after its own deadline with DeadlineExceeded", async () => {
    const api: KubeApi = {
      listPrometheuses: (_ns, abort) =>
        new Promise((_resolve, reject) => {
          abort.addEventListener("abort", () =>
            reject(kubeError("prometheuses.monitoring.coreos.com", undefined, 0, "Aborted")),
          );
        }),
      listServices: async () => [],
    };
    const error = await failure(new KubeDiscovery({ api, timeoutMs: 50 }).discover(request(), signal));
    expect(error.code).toBe(Code.DeadlineExceeded);
    expect(error.rawMessage).toBe("the Kubernetes API did not answer within 50 ms");
  });

  it("stays in the namespace the agent is restricted to", async () => {
    const { api, calls } = memoryApi([prometheus("obs", "main")], [operated("obs")]);
    const discovery = new KubeDiscovery({ api, namespace: "obs" });
    expect((await discovery.discover(request(), signal)).targets.map((t) => t.name)).toEqual(["main"]);
    expect(calls[0]).toBe("prometheuses obs");
    const error = await failure(discovery.discover(request("kube-system"), signal));
    expect(error.code).toBe(Code.PermissionDenied);
    expect(error.rawMessage).toMatch(/only in namespace "obs"/);
  });
});
