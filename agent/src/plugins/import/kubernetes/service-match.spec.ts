import { parsePrometheus } from "./prometheus-object";
import { assumedGoverningRoute, findServiceRoute } from "./service-match";
import type { ServiceObject } from "./service-object";

const prometheus = (namespace: string, name: string, spec: Record<string, unknown> = {}) =>
  parsePrometheus({ metadata: { namespace, name }, spec });

const service = (namespace: string, name: string, rest: Partial<ServiceObject>): ServiceObject => ({
  namespace,
  name,
  labels: {},
  selector: {},
  headless: false,
  ports: [],
  ...rest,
});

// What prometheus-operator creates in every namespace holding a Prometheus.
const operated = (namespace: string) =>
  service(namespace, "prometheus-operated", {
    headless: true,
    labels: { "operated-prometheus": "true" },
    selector: { "app.kubernetes.io/name": "prometheus" },
    ports: [{ name: "web", port: 9090, targetPort: "web" }],
  });

describe("findServiceRoute", () => {
  it("prefers a Service that selects only this Prometheus over prometheus-operated", () => {
    const k8s = prometheus("monitoring", "kps-prometheus");
    const chart = service("monitoring", "kps-prometheus", {
      selector: { "app.kubernetes.io/name": "prometheus", "operator.prometheus.io/name": "kps-prometheus" },
      ports: [{ name: "http-web", port: 9090, targetPort: 9090 }],
    });
    expect(findServiceRoute(k8s, [operated("monitoring"), chart], [k8s])).toMatchObject({
      kind: "instance",
      host: "kps-prometheus.monitoring.svc",
      port: 9090,
    });
  });

  it("uses prometheus-operated by name when the Prometheus is alone in its namespace", () => {
    const p = prometheus("team-a", "apps");
    expect(findServiceRoute(p, [operated("team-a")], [p])).toMatchObject({
      kind: "governing",
      host: "prometheus-operated.team-a.svc",
      port: 9090,
    });
  });

  it("names the first pod through prometheus-operated when several Prometheus share it", () => {
    const one = prometheus("team-b", "one");
    const two = prometheus("team-b", "two");
    expect(findServiceRoute(two, [operated("team-b")], [one, two])).toMatchObject({
      kind: "pod",
      host: "prometheus-two-0.prometheus-operated.team-b.svc",
      port: 9090,
    });
  });

  it("never reads through a Service that spreads over several Prometheus", () => {
    const one = prometheus("team-b", "one");
    const two = prometheus("team-b", "two");
    const both = service("team-b", "all-prometheus", {
      selector: { "app.kubernetes.io/name": "prometheus" },
      ports: [{ name: "web", port: 9090, targetPort: "web" }],
    });
    expect(findServiceRoute(one, [both], [one, two])).toBeUndefined();
  });

  it("finds rancher-monitoring's Service, whose port goes through its nginx proxy", () => {
    const rancher = prometheus("cattle-monitoring-system", "rancher-monitoring-prometheus");
    const svc = service("cattle-monitoring-system", "rancher-monitoring-prometheus", {
      selector: { "app.kubernetes.io/name": "prometheus", prometheus: "rancher-monitoring-prometheus" },
      ports: [{ name: "nginx-http", port: 9090, targetPort: 8081 }],
    });
    expect(findServiceRoute(rancher, [svc, operated("cattle-monitoring-system")], [rancher])).toMatchObject({
      kind: "instance",
      host: "rancher-monitoring-prometheus.cattle-monitoring-system.svc",
      port: 9090,
    });
  });

  it("matches Services of older charts that select the legacy app: prometheus label", () => {
    const p = prometheus("monitoring", "k8s");
    const legacy = service("monitoring", "prometheus-k8s", {
      selector: { app: "prometheus", prometheus: "k8s" },
      ports: [{ name: "web", port: 80, targetPort: "web" }],
    });
    expect(findServiceRoute(p, [legacy], [p])).toMatchObject({
      host: "prometheus-k8s.monitoring.svc",
      port: 80,
    });
  });

  it("matches on spec.podMetadata labels and follows a custom spec.portName", () => {
    const p = prometheus("obs", "main", { portName: "http", podMetadata: { labels: { team: "obs" } } });
    const svc = service("obs", "main-prometheus", {
      selector: { team: "obs" },
      ports: [
        { name: "grpc", port: 10901, targetPort: "grpc" },
        { name: "http", port: 8080, targetPort: "http" },
      ],
    });
    expect(findServiceRoute(p, [svc], [p])).toMatchObject({ host: "main-prometheus.obs.svc", port: 8080 });
  });

  it("dials the container port through a headless Service", () => {
    const p = prometheus("obs", "main");
    const svc = service("obs", "main-headless", {
      headless: true,
      selector: { prometheus: "main" },
      ports: [{ name: "http", port: 80, targetPort: "web" }],
    });
    expect(findServiceRoute(p, [svc], [p])).toMatchObject({ kind: "instance", port: 9090 });
  });

  it("skips Services without a selector or without a way to the web port", () => {
    const p = prometheus("obs", "main");
    const manual = service("obs", "manual-endpoints", {
      ports: [{ name: "web", port: 9090, targetPort: 9090 }],
    });
    const sidecar = service("obs", "thanos-sidecar", {
      selector: { prometheus: "main" },
      ports: [
        { name: "grpc", port: 10901, targetPort: "grpc" },
        { name: "http", port: 10902, targetPort: "http" },
      ],
    });
    expect(findServiceRoute(p, [manual, sidecar], [p])).toBeUndefined();
  });
});

describe("assumedGoverningRoute", () => {
  it("guesses prometheus-operated, or its first pod when the namespace has several Prometheus", () => {
    const p = prometheus("restricted", "r");
    expect(assumedGoverningRoute(p, false)).toMatchObject({
      host: "prometheus-operated.restricted.svc",
      port: 9090,
    });
    expect(assumedGoverningRoute(p, true)).toMatchObject({
      host: "prometheus-r-0.prometheus-operated.restricted.svc",
      port: 9090,
    });
  });
});
