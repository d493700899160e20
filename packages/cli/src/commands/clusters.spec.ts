import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { cliHarness, NOW_MS } from "../testing/cli-harness";

describe("ferry clusters", () => {
  const clusters = [
    {
      id: "prod",
      connected: true,
      connectedSince: timestampFromMs(NOW_MS - 60_000),
      agentVersion: "0.1.0",
      targets: 2,
    },
    { id: "edge", connected: false, targets: 0 },
  ];

  it("prints a table", async () => {
    const cli = cliHarness({ listClusters: () => ({ clusters }) });
    expect(await cli.run("clusters")).toBe(0);
    expect(cli.stdout.text).toBe(
      [
        "CLUSTER  CONNECTED  SINCE                 AGENT  TARGETS",
        "prod     yes        2026-11-23T11:59:00Z  0.1.0  2",
        "edge     no         -                     -      0",
        "",
      ].join("\n"),
    );
  });

  it("prints JSON", async () => {
    const cli = cliHarness({ listClusters: () => ({ clusters }) });
    expect(await cli.run("clusters", "-o", "json")).toBe(0);
    expect(JSON.parse(cli.stdout.text).clusters[1]).toEqual({
      id: "edge",
      connected: false,
      agentVersion: "",
      targets: 0,
    });
  });

  it("rm: revokes the cluster's agent, saying whether it was connected", async () => {
    const removed: string[] = [];
    const cli = cliHarness(
      {},
      {
        admin: {
          removeCluster: ({ clusterId }) => {
            if (clusterId === "ghost") {
              throw new ConnectError('cluster_id: unknown cluster "ghost"', Code.NotFound);
            }
            removed.push(clusterId);
            return { disconnected: clusterId === "prod" };
          },
        },
      },
    );
    expect(await cli.run("clusters", "rm", "prod")).toBe(0);
    expect(await cli.run("clusters", "rm", "edge")).toBe(0);
    expect(cli.stdout.text).toBe(
      "removed cluster prod: its agent credential is revoked; its agent was disconnected\n" +
        "removed cluster edge: its agent credential is revoked\n",
    );
    expect(await cli.run("clusters", "rm", "ghost")).toBe(1);
    expect(cli.stderr.text).toBe('ferry: not_found: cluster_id: unknown cluster "ghost"\n');
    expect(removed).toEqual(["prod", "edge"]);
  });

  it("rm -o json", async () => {
    const cli = cliHarness({}, { admin: { removeCluster: () => ({ disconnected: true }) } });
    expect(await cli.run("clusters", "rm", "prod", "-o", "json")).toBe(0);
    expect(JSON.parse(cli.stdout.text)).toEqual({ disconnected: true });
  });
});
