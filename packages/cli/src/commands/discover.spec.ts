import { Code, ConnectError } from "@connectrpc/connect";
import type { AddTargetRequest, DiscoverRequest } from "@ferry/api";
import { cliHarness } from "../testing/cli-harness";
import { targetNameFor } from "./discover-add";

const answer = {
  entries: [
    {
      clusterId: "prod",
      target: {
        namespace: "monitoring",
        name: "prometheus-k8s",
        remoteReadUrl: "http://prometheus-k8s.monitoring:9090/api/v1/read",
        version: "2.42.0",
      },
    },
  ],
  errors: [] as Array<{ clusterId: string; code: string; message: string }>,
};

describe("ferry discover", () => {
  it("asks the clusters given, in the namespace given, and prints what they see", async () => {
    const requests: DiscoverRequest[] = [];
    const cli = cliHarness({
      discover(req) {
        requests.push(req);
        return answer;
      },
    });
    expect(
      await cli.run("discover", "--cluster", "prod", "--cluster", "staging", "--namespace", "monitoring"),
    ).toBe(0);
    expect(requests[0]?.clusterIds).toEqual(["prod", "staging"]);
    expect(requests[0]?.namespace).toBe("monitoring");
    expect(cli.stdout.text).toBe(
      [
        "CLUSTER  NAMESPACE   NAME            REMOTE-READ URL                                    VERSION  NOTE",
        "prod     monitoring  prometheus-k8s  http://prometheus-k8s.monitoring:9090/api/v1/read  2.42.0",
        "",
      ].join("\n"),
    );
  });

  it("asks every cluster by default", async () => {
    const requests: DiscoverRequest[] = [];
    const cli = cliHarness({
      discover(req) {
        requests.push(req);
        return { entries: [] };
      },
    });
    expect(await cli.run("discover")).toBe(0);
    expect(requests[0]?.clusterIds).toEqual([]);
    expect(requests[0]?.namespace).toBe("");
  });

  it("prints what answered, reports clusters that did not, and exits 1", async () => {
    const cli = cliHarness({
      discover: () => ({
        ...answer,
        errors: [{ clusterId: "edge", code: "unavailable", message: "agent not connected" }],
      }),
    });
    expect(await cli.run("discover")).toBe(1);
    expect(cli.stdout.text).toContain("prometheus-k8s");
    expect(cli.stderr.text).toBe("ferry: discover: cluster edge: unavailable: agent not connected\n");
  });

  it("keeps the errors inside the JSON document", async () => {
    const cli = cliHarness({
      discover: () => ({ ...answer, errors: [{ clusterId: "edge", code: "unavailable", message: "down" }] }),
    });
    expect(await cli.run("discover", "-o", "json")).toBe(1);
    const doc = JSON.parse(cli.stdout.text);
    expect(doc.entries[0].target.remoteReadUrl).toBe("http://prometheus-k8s.monitoring:9090/api/v1/read");
    expect(doc.errors).toEqual([{ clusterId: "edge", code: "unavailable", message: "down" }]);
    expect(cli.stderr.text).toBe("");
  });

  describe("--add", () => {
    const entry = (clusterId: string, namespace: string, name: string, remoteReadUrl: string, note = "") => ({
      clusterId,
      target: { namespace, name, remoteReadUrl, note },
    });
    const found = {
      entries: [
        entry("prod", "monitoring", "k8s", "http://prometheus-k8s.monitoring.svc:9090/api/v1/read"),
        entry("prod", "team-a", "apps", "http://prometheus-operated.team-a.svc:9090/prom/api/v1/read"),
        entry("prod", "team-b", "old", "http://prometheus-operated.team-b.svc:9090/api/v1/read"),
        entry("prod", "edge", "local", "", "spec.listenLocal: Prometheus listens on localhost only"),
        entry(
          "rancher",
          "cattle-monitoring-system",
          "rancher-monitoring-prometheus",
          "http://rancher-monitoring-prometheus.cattle-monitoring-system.svc:9090/api/v1/read",
        ),
      ],
    };
    // prod already has monitoring-k8s (another URL) and reads team-b's Prometheus as "legacy".
    const existing = {
      prod: [
        { clusterId: "prod", name: "monitoring-k8s", endpoint: "http://10.0.0.5:9090/api/v1/read" },
        {
          clusterId: "prod",
          name: "legacy",
          endpoint: "http://prometheus-operated.team-b.svc:9090/api/v1/read",
        },
      ],
    } as Record<string, Array<{ clusterId: string; name: string; endpoint: string }>>;

    function harness(addTarget: (req: AddTargetRequest) => void = () => undefined) {
      const added: AddTargetRequest[] = [];
      const cli = cliHarness({
        discover: () => found,
        listTargets: (req) => ({ targets: existing[req.clusterId] ?? [] }),
        addTarget(req) {
          addTarget(req);
          added.push(req);
          return { target: { clusterId: req.clusterId, name: req.name, endpoint: req.endpoint } };
        },
      });
      return { cli, added };
    }

    it("registers what has a URL under <namespace>-<name> and leaves existing targets alone", async () => {
      const { cli, added } = harness();
      expect(await cli.run("discover", "--add")).toBe(0);
      expect(added.map((r) => `${r.clusterId}/${r.name} ${r.endpoint}`)).toEqual([
        "prod/team-a-apps http://prometheus-operated.team-a.svc:9090/prom/api/v1/read",
        "rancher/cattle-monitoring-system-rancher-monitoring-prometheus " +
          "http://rancher-monitoring-prometheus.cattle-monitoring-system.svc:9090/api/v1/read",
      ]);
      const [, summary = ""] = cli.stdout.text.split("\n\n");
      const rows = summary
        .trimEnd()
        .split("\n")
        .map((line) => line.split(/\s{2,}/))
        .map((cells) => [cells[0], cells[1], cells[cells.length - 1]].join(" | "));
      expect(rows).toEqual([
        "CLUSTER | TARGET | RESULT",
        "prod | monitoring-k8s | exists",
        "prod | team-a-apps | added",
        "prod | team-b-old | exists as legacy",
        "prod | edge-local | skipped: no remote-read URL",
        "rancher | cattle-monitoring-system-rancher-monitoring-prometheus | added",
      ]);
    });

    it("lists what it did in the JSON document", async () => {
      const { cli } = harness();
      expect(await cli.run("discover", "--add", "-o", "json")).toBe(0);
      const doc = JSON.parse(cli.stdout.text);
      expect(doc.entries).toHaveLength(5);
      expect(doc.added[1]).toEqual({
        clusterId: "prod",
        name: "team-a-apps",
        endpoint: "http://prometheus-operated.team-a.svc:9090/prom/api/v1/read",
        result: "added",
      });
    });

    it("counts a target created meanwhile as existing, and fails on other refusals", async () => {
      const { cli } = harness((req) => {
        if (req.clusterId === "prod") throw new ConnectError("name taken", Code.AlreadyExists);
        throw new ConnectError('cluster_id: unknown cluster "rancher"', Code.NotFound);
      });
      expect(await cli.run("discover", "--add")).toBe(1);
      expect(cli.stdout.text).toMatch(/team-a-apps\s+\S+\s+exists\n/);
      expect(cli.stdout.text).toMatch(/failed: not_found: cluster_id: unknown cluster "rancher"/);
      expect(cli.stderr.text).toBe("ferry: discover: some targets could not be added\n");
    });
  });
});

describe("targetNameFor", () => {
  it("joins namespace and name into a DNS-1123 label", () => {
    expect(targetNameFor("monitoring", "k8s")).toBe("monitoring-k8s");
    expect(targetNameFor("obs", "prom.v2_main")).toBe("obs-prom-v2-main");
  });

  it("keeps long names unique within 63 characters", () => {
    const a = targetNameFor("cattle-monitoring-system", "rancher-monitoring-prometheus-with-a-long-suffix-a");
    const b = targetNameFor("cattle-monitoring-system", "rancher-monitoring-prometheus-with-a-long-suffix-b");
    expect(a).toHaveLength(63);
    expect(a).toMatch(/^cattle-monitoring-system-rancher-monitoring-prometheus-w-[0-9a-f]{6}$/);
    expect(a).not.toBe(b);
  });
});
