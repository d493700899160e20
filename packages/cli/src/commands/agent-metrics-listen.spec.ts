import type { AgentOptions, RunningAgent } from "@ferry/agent";
import { cliHarness } from "../testing/cli-harness";
import { runningAgentFixture } from "../testing/fixtures";

describe("ferry agent --metrics-listen", () => {
  it("passes the flag (or FERRY_METRICS_LISTEN) on and says where the metrics are", async () => {
    const started: AgentOptions[] = [];
    const startAgent = async (options: AgentOptions): Promise<RunningAgent> => {
      started.push(options);
      return runningAgentFixture({ metricsUrl: "http://0.0.0.0:9465/metrics" });
    };
    const cli = cliHarness({}, { startAgent, env: { FERRY_METRICS_LISTEN: "127.0.0.1:1" } });
    const run = cli.run(
      "agent",
      "--gateway",
      "http://gw",
      "--cluster",
      "prod",
      "--metrics-listen",
      "0.0.0.0:9465",
    );
    await new Promise((r) => setTimeout(r, 20));
    cli.shutdown.abort();
    expect(await run).toBe(0);
    expect(started[0]?.metricsListen).toBe("0.0.0.0:9465");
    expect(cli.stderr.text).toContain(
      "ferry: agent of cluster prod dialing http://gw; metrics at http://0.0.0.0:9465/metrics\n",
    );

    const fromEnv: AgentOptions[] = [];
    const envCli = cliHarness(
      {},
      {
        startAgent: async (options) => {
          fromEnv.push(options);
          return runningAgentFixture();
        },
        env: { FERRY_METRICS_LISTEN: "127.0.0.1:9465" },
      },
    );
    const envRun = envCli.run("agent", "--gateway", "http://gw", "--cluster", "prod");
    await new Promise((r) => setTimeout(r, 20));
    envCli.shutdown.abort();
    expect(await envRun).toBe(0);
    expect(fromEnv[0]?.metricsListen).toBe("127.0.0.1:9465");
  });

  it("refuses a value that is not HOST:PORT, naming the flag", async () => {
    const cli = cliHarness({}, { startAgent: async () => Promise.reject(new Error("must not start")) });
    expect(
      await cli.run("agent", "--gateway", "http://gw", "--cluster", "prod", "--metrics-listen", "9465"),
    ).toBe(2);
    expect(cli.stderr.text).toMatch(/^ferry: invalid --metrics-listen "9465": expected HOST:PORT/);
  });
});
