import { resolve } from "node:path";
import type { GatewayOptions, RunningGateway } from "@ferry/gateway";
import { cliHarness } from "../testing/cli-harness";

const FINGERPRINT = `sha256:${"ab".repeat(32)}`;

function fakeGateway() {
  const started: GatewayOptions[] = [];
  let closed = 0;
  const startGateway = async (options: GatewayOptions): Promise<RunningGateway> => {
    started.push(options);
    return {
      url: options.tls ? "https://127.0.0.1:7443" : "http://127.0.0.1:7443",
      fingerprint: options.tls ? FINGERPRINT : undefined,
      port: 7443,
      metricsUrl: undefined,
      adminToken: undefined,
      adminTokenCreated: false,
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
        tls: { selfSigned: true },
      },
    ]);
    expect(gateway.closed()).toBe(0);
    cli.shutdown.abort();
    expect(await run).toBe(0);
    expect(gateway.closed()).toBe(1);
    expect(cli.stderr.text).toBe(
      `ferry: gateway serving on https://127.0.0.1:7443; certificate fingerprint ${FINGERPRINT}\nferry: gateway shutting down\n`,
    );
  });

  it.each([
    [
      ["--tls-cert", "c.pem", "--tls-key", "k.pem"],
      {},
      { certFile: resolve("c.pem"), keyFile: resolve("k.pem") },
    ],
    [
      ["--tls-san", "gw.example.com, 10.0.0.7"],
      {},
      { selfSigned: true, subjectAltNames: ["gw.example.com", "10.0.0.7"] },
    ],
    [
      [],
      { FERRY_TLS_CERT: "c.pem", FERRY_TLS_KEY: "k.pem" },
      { certFile: resolve("c.pem"), keyFile: resolve("k.pem") },
    ],
    [["--plaintext"], {}, undefined],
    [[], { FERRY_PLAINTEXT: "true" }, undefined],
  ])("serves TLS as %j %j say: %j", async (args, env, tls) => {
    const gateway = fakeGateway();
    const cli = cliHarness({}, { startGateway: gateway.startGateway, env });
    const run = cli.run("gateway", "--data-dir", "d", "--remote-write-url", "http://x", ...args);
    await new Promise((r) => setTimeout(r, 20));
    cli.shutdown.abort();
    expect(await run).toBe(0);
    expect(gateway.started[0]?.tls).toEqual(tls);
    expect(cli.stderr.text.split("\n")[0]).toBe(
      tls
        ? `ferry: gateway serving on https://127.0.0.1:7443; certificate fingerprint ${FINGERPRINT}`
        : "ferry: gateway serving on http://127.0.0.1:7443 (plain text, local use only)",
    );
  });

  it.each([
    [["--plaintext", "--tls-cert", "c.pem"], {}, "ferry: --plaintext excludes --tls-cert\n"],
    [["--tls-cert", "c.pem"], {}, "ferry: --tls-key is required with --tls-cert\n"],
    [["--tls-key", "k.pem"], {}, "ferry: --tls-cert is required with --tls-key\n"],
    [
      ["--tls-san", "gw.example.com,no_such name"],
      {},
      'ferry: invalid --tls-san "gw.example.com,no_such name": "no_such name" is neither a DNS name nor an IP address\n',
    ],
    [[], { FERRY_PLAINTEXT: "yes" }, 'ferry: invalid FERRY_PLAINTEXT "yes": expected true or false\n'],
  ])("refuses TLS settings %j %j that do not fit", async (args, env, message) => {
    const gateway = fakeGateway();
    const cli = cliHarness({}, { startGateway: gateway.startGateway, env });
    expect(await cli.run("gateway", "--data-dir", "d", "--remote-write-url", "http://x", ...args)).toBe(2);
    expect(cli.stderr.text).toBe(message);
    expect(gateway.started).toHaveLength(0);
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
