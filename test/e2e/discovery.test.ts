import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { DiscoverResponse } from "@ferry/api";
import { parseAllDocuments } from "yaml";
import {
  type FakeClusterSpec,
  type FakeKubeApi,
  operatedServiceManifest,
  prometheusManifest,
  serviceManifest,
  startFakeKubeApi,
} from "../support/fake-kube-api";
import { type FerryStack, startFerryStack } from "../support/ferry-stack";

const ROOT = join(__dirname, "../..");
const FERRY = join(ROOT, "packages/cli/bin/ferry.js");

// Discover's per-cluster timeout here; the slow cluster answers well after it.
const TIMEOUT_MS = 2_000;
const SLOW_MS = 8_000;

const KUBE_PROMETHEUS_LABELS = {
  "app.kubernetes.io/component": "prometheus",
  "app.kubernetes.io/instance": "k8s",
  "app.kubernetes.io/name": "prometheus",
  "app.kubernetes.io/part-of": "kube-prometheus",
};

/** Several namespaces, more Prometheus than fit on one page, and one namespace whose Services are off limits. */
const alpha: FakeClusterSpec = {
  pageSize: 2,
  prometheuses: [
    // kube-prometheus: prometheus-k8s selects the pods through spec.podMetadata labels.
    prometheusManifest(
      "monitoring",
      "k8s",
      {
        version: "2.42.0",
        replicas: 2,
        externalUrl: "http://prometheus-k8s.monitoring.svc:9090",
        podMetadata: { labels: { ...KUBE_PROMETHEUS_LABELS, "app.kubernetes.io/version": "2.42.0" } },
      },
      { ...KUBE_PROMETHEUS_LABELS },
    ),
    prometheusManifest("team-a", "apps", {
      version: "v2.45.0",
      routePrefix: "/prom",
      externalUrl: "https://apps.example.com/prom",
    }),
    prometheusManifest("team-b", "one", {}),
    prometheusManifest("team-b", "two", {
      web: {
        tlsConfig: {
          cert: { secret: { name: "two-tls", key: "tls.crt" } },
          keySecret: { name: "two-tls", key: "tls.key" },
        },
      },
    }),
    prometheusManifest("restricted", "audit", {}),
  ],
  services: [
    operatedServiceManifest("monitoring"),
    serviceManifest("monitoring", "prometheus-k8s", {
      labels: { ...KUBE_PROMETHEUS_LABELS },
      selector: { ...KUBE_PROMETHEUS_LABELS },
      ports: [
        { name: "web", port: 9090, targetPort: "web" },
        { name: "reloader-web", port: 8080, targetPort: "reloader-web" },
      ],
    }),
    serviceManifest("monitoring", "alertmanager-main", {
      selector: { "app.kubernetes.io/name": "alertmanager", "app.kubernetes.io/instance": "main" },
      ports: [{ name: "web", port: 9093, targetPort: "web" }],
    }),
    serviceManifest("monitoring", "grafana", {
      selector: { "app.kubernetes.io/name": "grafana" },
      ports: [{ name: "http", port: 3000, targetPort: "http" }],
    }),
    operatedServiceManifest("team-a"),
    operatedServiceManifest("team-b"),
    operatedServiceManifest("restricted"),
  ],
  forbidden: [{ resource: "services", namespace: "restricted" }],
};

/** rancher-monitoring: kube-prometheus-stack in cattle-monitoring-system, read through its nginx proxy port. */
const rancher: FakeClusterSpec = {
  prometheuses: [
    prometheusManifest(
      "cattle-monitoring-system",
      "rancher-monitoring-prometheus",
      {
        version: "v2.42.0",
        routePrefix: "/",
        portName: "http-web",
        externalUrl:
          "https://rancher.example.com/api/v1/namespaces/cattle-monitoring-system/services/http:rancher-monitoring-prometheus:9090/proxy",
      },
      {
        app: "rancher-monitoring-prometheus",
        chart: "rancher-monitoring-102.0.0_up40.1.2",
        heritage: "Helm",
        release: "rancher-monitoring",
      },
    ),
  ],
  services: [
    operatedServiceManifest("cattle-monitoring-system", "http-web"),
    serviceManifest("cattle-monitoring-system", "rancher-monitoring-prometheus", {
      labels: { app: "rancher-monitoring-prometheus", release: "rancher-monitoring", "self-monitor": "true" },
      selector: { "app.kubernetes.io/name": "prometheus", prometheus: "rancher-monitoring-prometheus" },
      ports: [{ name: "nginx-http", port: 9090, targetPort: 8081 }],
    }),
    serviceManifest("cattle-monitoring-system", "rancher-monitoring-grafana", {
      selector: { "app.kubernetes.io/name": "grafana", "app.kubernetes.io/instance": "rancher-monitoring" },
      ports: [{ name: "nginx-http", port: 80, targetPort: 8080 }],
    }),
  ],
};

const CLUSTERS: Record<string, FakeClusterSpec> = {
  alpha,
  rancher,
  // The prometheus-operator's CRDs were never installed.
  bare: { crdInstalled: false },
  // RoleBindings in "monitoring" only: the cluster-wide list and other namespaces are forbidden.
  locked: {
    allowedNamespaces: ["monitoring"],
    prometheuses: [prometheusManifest("monitoring", "main", { version: "v2.42.0" })],
    services: [operatedServiceManifest("monitoring")],
  },
  slow: { delayMs: SLOW_MS, prometheuses: [prometheusManifest("monitoring", "late", {})] },
};

/**
 * The agents run as `ferry agent` processes of the built CLI: @kubernetes/client-node 1.x is an
 * ES module, which Node loads but jest's module loader does not. `npm test` builds first.
 */
function startAgentProcess(
  gatewayUrl: string,
  clusterId: string,
  kubeconfig: string,
  bootstrapToken: string,
) {
  const env: NodeJS.ProcessEnv = { ...process.env, FERRY_BOOTSTRAP_TOKEN: bootstrapToken };
  delete env.KUBERNETES_SERVICE_HOST;
  const child = spawn(
    process.execPath,
    [FERRY, "agent", "--gateway", gatewayUrl, "--cluster", clusterId, "--kubeconfig", kubeconfig],
    { env, stdio: ["ignore", "ignore", "pipe"] },
  );
  const log: string[] = [];
  child.stderr?.on("data", (chunk: Buffer) => log.push(chunk.toString()));
  return { child, log };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

describe("Kubernetes discovery across clusters", () => {
  let stack: FerryStack;
  let dir: string;
  const fakes = new Map<string, FakeKubeApi>();
  const agents = new Map<string, { child: ChildProcess; log: string[] }>();

  beforeAll(async () => {
    if (!existsSync(join(ROOT, "agent/dist/plugins/import/kubernetes/kube-discovery.js"))) {
      throw new Error("the agent is not built: run `npx tsc -b` (npm test builds before testing)");
    }
    stack = await startFerryStack({ remoteWriteUrl: "http://127.0.0.1:9/api/v1/write" });
    dir = await mkdtemp(join(tmpdir(), "ferry-kube-"));
    for (const [clusterId, spec] of Object.entries(CLUSTERS)) {
      const fake = await startFakeKubeApi(spec);
      fakes.set(clusterId, fake);
      const kubeconfig = await fake.writeKubeconfig(dir, clusterId);
      const token = await stack.bootstrapToken(clusterId);
      agents.set(clusterId, startAgentProcess(stack.gateway.url, clusterId, kubeconfig, token));
    }
    // An agent that connected once and is gone now.
    const offline = await stack.startAgent("offline");
    await offline.close();
    stack.agents.delete("offline");
    await waitForConnected(stack, Object.keys(CLUSTERS), agents);
  });

  afterAll(async () => {
    await Promise.all([...agents.values()].map(({ child }) => stop(child)));
    for (const fake of fakes.values()) await fake.close();
    await stack?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("broadcasts in parallel and answers every entry plus one error per failing cluster", async () => {
    const started = Date.now();
    const response = await stack.client.discover({
      clusterIds: ["alpha", "rancher", "bare", "locked", "slow", "offline"],
      timeoutMs: BigInt(TIMEOUT_MS),
    });
    // The answer waits one per-cluster timeout for the slow cluster, not for its API server.
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(elapsed).toBeLessThan(SLOW_MS - 2_000);

    expect(entries(response)).toEqual([
      ["alpha", "monitoring", "k8s", "http://prometheus-k8s.monitoring.svc:9090/api/v1/read", ""],
      [
        "alpha",
        "restricted",
        "audit",
        "http://prometheus-operated.restricted.svc:9090/api/v1/read",
        'forbidden to list services in namespace "restricted"; URL assumes the operator\'s prometheus-operated',
      ],
      ["alpha", "team-a", "apps", "http://prometheus-operated.team-a.svc:9090/prom/api/v1/read", ""],
      [
        "alpha",
        "team-b",
        "one",
        "http://prometheus-one-0.prometheus-operated.team-b.svc:9090/api/v1/read",
        "prometheus-operated also selects other Prometheus here: the URL names this one's first pod",
      ],
      [
        "alpha",
        "team-b",
        "two",
        "https://prometheus-two-0.prometheus-operated.team-b.svc:9090/api/v1/read",
        "prometheus-operated also selects other Prometheus here: the URL names this one's first pod",
      ],
      [
        "rancher",
        "cattle-monitoring-system",
        "rancher-monitoring-prometheus",
        "http://rancher-monitoring-prometheus.cattle-monitoring-system.svc:9090/api/v1/read",
        "rancher-monitoring",
      ],
    ]);
    const k8s = response.entries[0]?.target;
    expect([k8s?.version, k8s?.externalUrl]).toEqual(["2.42.0", "http://prometheus-k8s.monitoring.svc:9090"]);
    const apps = response.entries[2]?.target;
    expect([apps?.version, apps?.externalUrl]).toEqual(["v2.45.0", "https://apps.example.com/prom"]);
    expect(response.entries[5]?.target?.externalUrl).toMatch(
      /^https:\/\/rancher\.example\.com\/api\/v1\/namespaces\/cattle-monitoring-system\//,
    );

    expect(response.errors.map((e) => [e.clusterId, e.code])).toEqual([
      ["bare", "not_found"],
      ["locked", "permission_denied"],
      ["offline", "unavailable"],
      ["slow", "deadline_exceeded"],
    ]);
    const message = (id: string) => response.errors.find((e) => e.clusterId === id)?.message ?? "";
    expect(message("bare")).toMatch(/monitoring\.coreos\.com\/v1 Prometheus CRD not installed/);
    expect(message("locked")).toMatch(
      /forbidden to list prometheuses\.monitoring\.coreos\.com at cluster scope: .*cannot list resource "prometheuses"/,
    );
    expect(message("slow")).toMatch(/did not answer within 2000 ms/);
  });

  it("follows the API server's continue tokens and asks only the paths it needs", () => {
    const requests = fakes.get("alpha")?.requests ?? [];
    const lists = requests.filter((r) => r.startsWith("/apis/monitoring.coreos.com/v1/prometheuses"));
    expect(lists.slice(0, 3).map((r) => new URL(r, "http://x").searchParams.has("continue"))).toEqual([
      false,
      true,
      true,
    ]);
    // monitoring's four Services take two pages; prometheus-k8s is on the second.
    const monitoringServices = requests.filter((r) => r.startsWith("/api/v1/namespaces/monitoring/services"));
    expect(monitoringServices.filter((r) => r.includes("continue=")).length).toBeGreaterThan(0);
    const paths = new Set(requests.map((r) => new URL(r, "http://x").pathname));
    expect([...paths].sort()).toEqual([
      "/api/v1/namespaces/monitoring/services",
      "/api/v1/namespaces/restricted/services",
      "/api/v1/namespaces/team-a/services",
      "/api/v1/namespaces/team-b/services",
      "/apis/monitoring.coreos.com/v1/prometheuses",
    ]);
  });

  it("asks every connected cluster by default", async () => {
    const response = await stack.client.discover({ timeoutMs: BigInt(TIMEOUT_MS) });
    expect([...new Set(response.entries.map((e) => e.clusterId))]).toEqual(["alpha", "rancher"]);
    expect(response.errors.map((e) => e.clusterId)).toEqual(["bare", "locked", "slow"]);
  });

  it("lists one namespace when asked, and names a forbidden one", async () => {
    const response = await stack.client.discover({
      clusterIds: ["alpha", "locked"],
      namespace: "monitoring",
      timeoutMs: BigInt(TIMEOUT_MS),
    });
    expect(entries(response).map((e) => e.slice(0, 4))).toEqual([
      ["alpha", "monitoring", "k8s", "http://prometheus-k8s.monitoring.svc:9090/api/v1/read"],
      ["locked", "monitoring", "main", "http://prometheus-operated.monitoring.svc:9090/api/v1/read"],
    ]);
    expect(response.errors).toEqual([]);
    expect(fakes.get("locked")?.requests).toContain(
      "/apis/monitoring.coreos.com/v1/namespaces/monitoring/prometheuses?limit=100",
    );

    const denied = await stack.client.discover({ clusterIds: ["locked"], namespace: "kube-system" });
    expect(denied.errors.map((e) => [e.code, e.message])).toEqual([
      [
        "permission_denied",
        expect.stringMatching(
          /^cluster locked: forbidden to list prometheuses\.monitoring\.coreos\.com in namespace "kube-system": /,
        ),
      ],
    ]);
  });

  it("ferry discover --add creates targets from the entries and leaves existing ones alone", async () => {
    // Registered by hand before: same name as alpha's monitoring/k8s would get, another URL.
    await stack.client.addTarget({
      clusterId: "alpha",
      name: "monitoring-k8s",
      endpoint: "http://10.0.0.5:9090/api/v1/read",
    });
    // And team-a's Prometheus under a name of its own.
    await stack.client.addTarget({
      clusterId: "alpha",
      name: "apps",
      endpoint: "http://prometheus-operated.team-a.svc:9090/prom/api/v1/read",
    });
    const discover = () =>
      promisify(execFile)(
        process.execPath,
        [
          FERRY,
          "--server",
          stack.gateway.url,
          "--token",
          stack.gateway.adminToken ?? "",
          "discover",
          "--cluster",
          "alpha",
          "--cluster",
          "rancher",
          "--add",
        ],
        { timeout: 30_000 },
      );
    const { stdout } = await discover();
    expect(stdout).toMatch(/^CLUSTER\s+NAMESPACE\s+NAME\s+REMOTE-READ URL\s+VERSION\s+NOTE$/m);
    expect(stdout).toMatch(
      /^rancher\s+cattle-monitoring-system\s+rancher-monitoring-prometheus\s+http:\/\/rancher-monitoring-prometheus\.cattle-monitoring-system\.svc:9090\/api\/v1\/read\s+v2\.42\.0\s+rancher-monitoring$/m,
    );
    expect(stdout).toMatch(/^alpha\s+monitoring-k8s\s+\S+\s+exists$/m);
    expect(stdout).toMatch(/^alpha\s+team-a-apps\s+\S+\s+exists as apps$/m);

    const targets = async () =>
      (await stack.client.listTargets({})).targets
        .map((t) => `${t.clusterId}/${t.name} ${t.endpoint}`)
        .sort();
    const expected = [
      "alpha/apps http://prometheus-operated.team-a.svc:9090/prom/api/v1/read",
      "alpha/monitoring-k8s http://10.0.0.5:9090/api/v1/read",
      "alpha/restricted-audit http://prometheus-operated.restricted.svc:9090/api/v1/read",
      "alpha/team-b-one http://prometheus-one-0.prometheus-operated.team-b.svc:9090/api/v1/read",
      "alpha/team-b-two https://prometheus-two-0.prometheus-operated.team-b.svc:9090/api/v1/read",
      "rancher/cattle-monitoring-system-rancher-monitoring-prometheus " +
        "http://rancher-monitoring-prometheus.cattle-monitoring-system.svc:9090/api/v1/read",
    ];
    expect(await targets()).toEqual(expected);

    // Running it again adds nothing.
    const again = await discover();
    expect(again.stdout).not.toMatch(/\sadded$/m);
    expect(await targets()).toEqual(expected);
  });
});

// No Kubernetes here: the manifests are checked for shape and for RBAC no wider than discovery needs.
describe("agent/deploy/agent.yaml", () => {
  interface Manifest {
    kind: string;
    metadata: { name: string; namespace?: string };
    rules?: unknown[];
    roleRef?: { kind: string; name: string };
    subjects?: Array<{ kind: string; name: string; namespace: string }>;
    spec?: {
      template?: {
        spec: { serviceAccountName: string; containers: Array<{ command: string[]; args: string[] }> };
      };
    };
  }
  let manifests: Manifest[];

  beforeAll(async () => {
    const text = await readFile(join(ROOT, "agent/deploy/agent.yaml"), "utf8");
    manifests = parseAllDocuments(text).map((doc) => {
      if (doc.errors.length > 0) throw doc.errors[0];
      return doc.toJS() as Manifest;
    });
  });
  const find = (kind: string) => manifests.filter((m) => m.kind === kind);

  it("holds a ServiceAccount, the bootstrap Secret, the credential's volume, a ClusterRole, its binding, the Deployment and its Service", () => {
    expect(manifests.map((m) => m.kind)).toEqual([
      "Namespace",
      "ServiceAccount",
      "Secret",
      "PersistentVolumeClaim",
      "ClusterRole",
      "ClusterRoleBinding",
      "Deployment",
      "Service",
    ]);
  });

  it("grants only get/list/watch on prometheuses and services", () => {
    expect(find("ClusterRole")[0]?.rules).toEqual([
      { apiGroups: ["monitoring.coreos.com"], resources: ["prometheuses"], verbs: ["get", "list", "watch"] },
      { apiGroups: [""], resources: ["services"], verbs: ["get", "list", "watch"] },
    ]);
  });

  it("binds the role to the account the Deployment runs as, which starts `ferry agent`", () => {
    const account = find("ServiceAccount")[0]?.metadata;
    const binding = find("ClusterRoleBinding")[0];
    expect(binding?.roleRef).toMatchObject({
      kind: "ClusterRole",
      name: find("ClusterRole")[0]?.metadata.name,
    });
    expect(binding?.subjects).toEqual([
      { kind: "ServiceAccount", name: account?.name, namespace: account?.namespace },
    ]);
    const pod = find("Deployment")[0]?.spec?.template?.spec;
    expect(pod?.serviceAccountName).toBe(account?.name);
    const container = pod?.containers[0];
    expect(container?.command.slice(-2)).toEqual(["ferry", "agent"]);
    expect(container?.args.map((a) => a.split("=")[0])).toEqual([
      "--gateway",
      "--gateway-ca-pin",
      "--cluster",
      "--data-dir",
      "--remote-write-listen",
    ]);
  });

  it("takes the bootstrap token from the Secret and keeps the credential on the claim", () => {
    const pod = find("Deployment")[0]?.spec?.template?.spec as unknown as {
      containers: Array<{
        args: string[];
        env: Array<{ name: string; valueFrom?: { secretKeyRef?: { name: string } } }>;
        volumeMounts: Array<{ name: string; mountPath: string }>;
      }>;
      volumes: Array<{ name: string; persistentVolumeClaim?: { claimName: string } }>;
    };
    const container = pod.containers[0];
    const token = container?.env.find((e) => e.name === "FERRY_BOOTSTRAP_TOKEN");
    expect(token?.valueFrom?.secretKeyRef?.name).toBe(find("Secret")[0]?.metadata.name);
    const dataDir = container?.args.find((a) => a.startsWith("--data-dir="))?.split("=")[1];
    const mount = container?.volumeMounts.find((m) => m.mountPath === dataDir);
    const volume = pod.volumes.find((v) => v.name === mount?.name);
    expect(volume?.persistentVolumeClaim?.claimName).toBe(find("PersistentVolumeClaim")[0]?.metadata.name);
  });

  it("is what the README points to", async () => {
    expect(await readFile(join(ROOT, "README.md"), "utf8")).toContain("agent/deploy/agent.yaml");
  });
});

function entries(response: DiscoverResponse): string[][] {
  return response.entries.map(({ clusterId, target }) => [
    clusterId,
    target?.namespace ?? "",
    target?.name ?? "",
    target?.remoteReadUrl ?? "",
    target?.note ?? "",
  ]);
}

async function waitForConnected(
  stack: FerryStack,
  clusterIds: string[],
  agents: Map<string, { child: ChildProcess; log: string[] }>,
): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { clusters } = await stack.client.listClusters({});
    const connected = new Set(clusters.filter((c) => c.connected).map((c) => c.id));
    if (clusterIds.every((id) => connected.has(id))) return;
    const dead = [...agents].find(([, a]) => a.child.exitCode !== null);
    if (dead || Date.now() > deadline) {
      const [id, agent] = dead ?? [...agents].find(([id]) => !connected.has(id)) ?? ["?", { log: [] }];
      throw new Error(`agent ${id} did not connect:\n${agent.log.join("")}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
