import { resolve } from "node:path";
import type { GatewayOptions, RunningGateway } from "@ferry/gateway";
import { cliHarness } from "../testing/cli-harness";

function gatewayWithToken(adminTokenCreated: boolean) {
  const started: GatewayOptions[] = [];
  const startGateway = async (options: GatewayOptions): Promise<RunningGateway> => {
    started.push(options);
    return {
      url: "http://127.0.0.1:7443",
      fingerprint: undefined,
      port: 7443,
      metricsUrl: undefined,
      adminToken: adminTokenCreated || options.adminTokenFile ? "the-admin-token" : undefined,
      adminTokenCreated,
      close: async () => {},
      failed: new Promise<never>(() => {}),
    };
  };
  return { started, startGateway };
}

async function runGateway(adminTokenCreated: boolean, ...args: string[]) {
  const gateway = gatewayWithToken(adminTokenCreated);
  const cli = cliHarness({}, { startGateway: gateway.startGateway });
  const run = cli.run("gateway", "--plaintext", "--data-dir", "d", "--remote-write-url", "http://x", ...args);
  await new Promise((r) => setTimeout(r, 20));
  cli.shutdown.abort();
  expect(await run).toBe(0);
  return { options: gateway.started[0], stderr: cli.stderr.text.split("\n").slice(1, -2) };
}

describe("ferry gateway and its admin token", () => {
  it("prints a token made on this start once, to stderr", async () => {
    const { stderr } = await runGateway(true);
    expect(stderr).toEqual([
      "ferry: admin token (shown once; the gateway keeps only its hash): the-admin-token",
      "ferry: management commands take it as --token or FERRY_TOKEN",
    ]);
  });

  it("prints nothing of a token made on an earlier start", async () => {
    expect((await runGateway(false)).stderr).toEqual([]);
  });

  it("passes --admin-token-file resolved, and says where a new token went", async () => {
    const { options, stderr } = await runGateway(true, "--admin-token-file", "secrets/admin");
    expect(options?.adminTokenFile).toBe(resolve("secrets/admin"));
    expect(stderr).toEqual([`ferry: admin token written to ${resolve("secrets/admin")}`]);
  });
});
