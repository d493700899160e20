import { timestampFromMs } from "@bufbuild/protobuf/wkt";
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
});
