import type { AgentOptions, RunningAgent } from "@ferry/agent";
import { cliHarness } from "../testing/cli-harness";
import { runningAgentFixture } from "../testing/fixtures";

describe("ferry agent", () => {
  it("builds the options, runs until SIGTERM, then closes", async () => {
    const started: AgentOptions[] = [];
    let closed = false;
    const startAgent = async (options: AgentOptions): Promise<RunningAgent> => {
      started.push(options);
      return runningAgentFixture({
        remoteWriteUrl: "http://0.0.0.0:9201/api/v1/write",
        close: async () => {
          closed = true;
        },
      });
    };
    const cli = cliHarness(
      {},
      { startAgent, env: { FERRY_GATEWAY: "http://gw:7443", FERRY_DATA_DIR: "/var/lib/ferry" } },
    );
    const run = cli.run("agent", "--cluster", "prod", "--remote-write-listen", "0.0.0.0:9201");
    await new Promise((r) => setTimeout(r, 20));
    expect(started).toEqual([
      {
        gatewayUrl: "http://gw:7443",
        clusterId: "prod",
        dataDir: "/var/lib/ferry",
        remoteWriteListen: "0.0.0.0:9201",
      },
    ]);
    cli.shutdown.abort();
    expect(await run).toBe(0);
    expect(closed).toBe(true);
    expect(cli.stderr.text).toBe(
      "ferry: agent of cluster prod dialing http://gw:7443; live remote-write on http://0.0.0.0:9201/api/v1/write\n" +
        "ferry: agent shutting down\n",
    );
  });

  it("exits 1 naming the reason when the gateway refuses the agent for good", async () => {
    let closed = false;
    const startAgent = async (): Promise<RunningAgent> =>
      runningAgentFixture({
        failed: Promise.reject(new Error("unauthenticated: the cluster was removed")),
        close: async () => {
          closed = true;
        },
      });
    const cli = cliHarness({}, { startAgent, env: { FERRY_GATEWAY: "http://gw:7443" } });
    expect(await cli.run("agent", "--cluster", "prod")).toBe(1);
    expect(closed).toBe(true);
    expect(cli.stderr.text).toContain("ferry: agent stopped: unauthenticated: the cluster was removed\n");
  });

  it("refuses a bad cluster id, naming the flag", async () => {
    const cli = cliHarness({}, { startAgent: async () => Promise.reject(new Error("must not start")) });
    expect(await cli.run("agent", "--gateway", "http://gw", "--cluster", "prod/eu")).toBe(2);
    expect(cli.stderr.text).toMatch(/^ferry: invalid --cluster "prod\/eu": expected lower-case letters/);
  });

  it("passes the discovery settings: --kubeconfig resolved, the namespace checked", async () => {
    const started: AgentOptions[] = [];
    const startAgent = async (options: AgentOptions): Promise<RunningAgent> => {
      started.push(options);
      return runningAgentFixture();
    };
    const cli = cliHarness({}, { startAgent, env: { FERRY_DISCOVERY_NAMESPACE: "monitoring" } });
    const run = cli.run(
      "agent",
      "--gateway",
      "http://gw",
      "--cluster",
      "prod",
      "--kubeconfig",
      "/etc/ferry/kubeconfig",
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(started[0]).toMatchObject({
      kubeconfig: "/etc/ferry/kubeconfig",
      discoveryNamespace: "monitoring",
    });
    cli.shutdown.abort();
    expect(await run).toBe(0);

    const bad = cliHarness({}, { startAgent: async () => Promise.reject(new Error("must not start")) });
    expect(
      await bad.run(
        "agent",
        "--gateway",
        "http://gw",
        "--cluster",
        "prod",
        "--discovery-namespace",
        "Monitoring",
      ),
    ).toBe(2);
    expect(bad.stderr.text).toMatch(
      /^ferry: invalid --discovery-namespace "Monitoring": expected a Kubernetes namespace/,
    );
  });

  it("passes the bootstrap token from --bootstrap-token or FERRY_BOOTSTRAP_TOKEN", async () => {
    const started: AgentOptions[] = [];
    const startAgent = async (options: AgentOptions): Promise<RunningAgent> => {
      started.push(options);
      return runningAgentFixture();
    };
    const fromEnv = cliHarness({}, { startAgent, env: { FERRY_BOOTSTRAP_TOKEN: "id.from-env" } });
    const fromFlag = cliHarness({}, { startAgent, env: { FERRY_BOOTSTRAP_TOKEN: "id.from-env" } });
    const runs = [
      fromEnv.run("agent", "--gateway", "http://gw", "--cluster", "prod"),
      fromFlag.run("agent", "--gateway=http://gw", "--cluster=prod", "--bootstrap-token=id.from-flag"),
    ];
    await new Promise((r) => setTimeout(r, 20));
    fromEnv.shutdown.abort();
    fromFlag.shutdown.abort();
    expect(await Promise.all(runs)).toEqual([0, 0]);
    expect(started.map((o) => o.bootstrapToken).sort()).toEqual(["id.from-env", "id.from-flag"]);
  });
});
