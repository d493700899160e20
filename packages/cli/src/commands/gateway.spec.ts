import { resolve } from "node:path";
import type { GatewayOptions, RunningGateway } from "@ferry/gateway";
import { cliHarness } from "../testing/cli-harness";

function fakeGateway() {
  const started: GatewayOptions[] = [];
  let closed = 0;
  const startGateway = async (options: GatewayOptions): Promise<RunningGateway> => {
    started.push(options);
    return {
      url: "http://127.0.0.1:7443",
      port: 7443,
      metricsUrl: undefined,
      close: async () => {
        closed++;
      },
      failed: new Promise<never>(() => {}),
    };
  };
  return { started, startGateway, closed: () => closed };
}

describe("ferry gateway", () => {
  it("builds the options from flags and FERRY_* variables, runs until SIGINT, then closes", async () => {
    const gateway = fakeGateway();
    const cli = cliHarness(
      {},
      { startGateway: gateway.startGateway, env: { FERRY_QUERY_URL: "http://cortex/prometheus" } },
    );
    const run = cli.run(
      "gateway",
      "--listen",
      "127.0.0.1:0",
      "--data-dir",
      "./state",
      "--remote-write-url",
      "http://cortex:9009/api/v1/push",
      "--tenant-header",
      "X-Tenant",
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(gateway.started).toEqual([
      {
        listen: "127.0.0.1:0",
        dataDir: resolve("state"),
        remoteWriteUrl: "http://cortex:9009/api/v1/push",
        tenantHeader: "X-Tenant",
        queryUrl: "http://cortex/prometheus",
      },
    ]);
    expect(gateway.closed()).toBe(0);
    cli.shutdown.abort();
    expect(await run).toBe(0);
    expect(gateway.closed()).toBe(1);
    expect(cli.stderr.text).toBe(
      "ferry: gateway serving on http://127.0.0.1:7443\nferry: gateway shutting down\n",
    );
  });

  it("refuses a bad flag before starting anything, naming it", async () => {
    const gateway = fakeGateway();
    const cli = cliHarness({}, { startGateway: gateway.startGateway });
    expect(
      await cli.run("gateway", "--data-dir", "d", "--remote-write-url", "http://x", "--listen", "nope"),
    ).toBe(2);
    expect(cli.stderr.text).toMatch(/^ferry: invalid --listen "nope": expected HOST:PORT/);
    expect(gateway.started).toHaveLength(0);
  });

  it("says which required setting is missing", async () => {
    const cli = cliHarness({}, { startGateway: fakeGateway().startGateway });
    expect(await cli.run("gateway", "--data-dir", "d")).toBe(2);
    expect(cli.stderr.text).toBe("ferry: --remote-write-url is required (or set FERRY_REMOTE_WRITE_URL)\n");
  });

  it("exits 1 when the gateway cannot start", async () => {
    const cli = cliHarness(
      {},
      {
        startGateway: async () => {
          throw new Error("listen EADDRINUSE: address already in use 127.0.0.1:7443");
        },
      },
    );
    expect(await cli.run("gateway", "--data-dir", "d", "--remote-write-url", "http://x")).toBe(1);
    expect(cli.stderr.text).toBe("ferry: listen EADDRINUSE: address already in use 127.0.0.1:7443\n");
  });
});
