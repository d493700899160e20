import { MalformedObjectError, parsePrometheus } from "./prometheus-object";

describe("parsePrometheus", () => {
  it("reads the fields discovery needs from the API's JSON", () => {
    const p = parsePrometheus({
      apiVersion: "monitoring.coreos.com/v1",
      kind: "Prometheus",
      metadata: { name: "k8s", namespace: "monitoring", labels: { release: "kps", "n/a": 3 } },
      spec: {
        version: "v2.42.0",
        routePrefix: "/prom",
        externalUrl: "https://prom.example.com/prom",
        portName: "http",
        web: { tlsConfig: { cert: { secret: { name: "tls", key: "tls.crt" } } } },
        podMetadata: { labels: { team: "infra" } },
        shards: 2,
      },
    });
    expect(p).toEqual({
      namespace: "monitoring",
      name: "k8s",
      labels: { release: "kps" },
      routePrefix: "/prom",
      externalUrl: "https://prom.example.com/prom",
      version: "v2.42.0",
      portName: "http",
      tls: true,
      listenLocal: false,
      podLabels: { team: "infra" },
      shards: 2,
    });
  });

  it("fills the operator's defaults for absent fields", () => {
    const p = parsePrometheus({ metadata: { name: "p", namespace: "ns" }, spec: {} });
    expect(p).toMatchObject({ routePrefix: "/", portName: "web", tls: false, shards: 1, version: "" });
  });

  it("refuses an item without a name or namespace", () => {
    expect(() => parsePrometheus({ metadata: { name: "p" } })).toThrow(MalformedObjectError);
    expect(() => parsePrometheus("nope")).toThrow(MalformedObjectError);
  });
});
