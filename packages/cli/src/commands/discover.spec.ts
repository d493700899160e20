import type { DiscoverRequest } from "@ferry/api";
import { cliHarness } from "../testing/cli-harness";

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
});
