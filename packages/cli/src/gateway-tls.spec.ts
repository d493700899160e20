import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AgentOptions, RunningAgent } from "@ferry/agent";
import { type RunningGateway, startGateway } from "@ferry/gateway";
import pino from "pino";
import type { CliDeps } from "./cli-deps";
import { closeImportClients, createAdminClient, createImportClient } from "./client";
import type { Env } from "./config";
import { runCli } from "./run-cli";
import { CapturedStream } from "./testing/cli-harness";
import { runningAgentFixture } from "./testing/fixtures";

// The real CLI against a real gateway serving a self-signed certificate. The server side counts
// every request it is handed, to show that a refused certificate means no request was sent.
const http2 = jest.requireActual<typeof import("node:http2")>("node:http2");
const createSecureServer = http2.createSecureServer;
let requestsSeen = 0;
jest.spyOn(http2, "createSecureServer").mockImplementation(((
  ...args: Parameters<typeof createSecureServer>
) => {
  const server = createSecureServer(...args);
  server.on("request", () => requestsSeen++);
  return server;
}) as typeof createSecureServer);

describe("the CLI dialing an https:// gateway", () => {
  let work: string;
  let gateway: RunningGateway;
  let certFile: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "ferry-cli-tls-"));
    gateway = await startGateway({
      listen: "127.0.0.1:0",
      dataDir: work,
      remoteWriteUrl: "http://127.0.0.1:9/api/v1/write",
      tls: { selfSigned: true },
      logger: pino({ level: "silent" }),
    });
    certFile = join(work, "tls", "cert.pem");
  });
  afterEach(() => closeImportClients());
  afterAll(async () => {
    await gateway?.close();
    await rm(work, { recursive: true, force: true });
  });

  async function ferry(env: Env, ...argv: string[]) {
    const stdout = new CapturedStream();
    const stderr = new CapturedStream();
    const deps: CliDeps = {
      stdout,
      stderr,
      env: { FERRY_TOKEN: gateway.adminToken, ...env },
      now: () => Date.now(),
      signal: new AbortController().signal,
      createClient: createImportClient,
      createAdminClient,
      startGateway: () => Promise.reject(new Error("not in this test")),
      startAgent: () => Promise.reject(new Error("not in this test")),
    };
    const code = await runCli(argv, deps);
    return { code, stdout: stdout.text, stderr: stderr.text };
  }

  it("connects with the fingerprint the gateway printed (--gateway-ca-pin)", async () => {
    const before = requestsSeen;
    const run = await ferry(
      {},
      "--server",
      gateway.url,
      "--gateway-ca-pin",
      `${gateway.fingerprint}`,
      "clusters",
    );
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(requestsSeen).toBe(before + 1);
  });

  it("takes the pin from FERRY_GATEWAY_CA_PIN too, written with colons and capitals", async () => {
    const hex = `${gateway.fingerprint}`.slice("sha256:".length).toUpperCase();
    const pin = `sha256:${hex.match(/../g)?.join(":")}`;
    const run = await ferry({ FERRY_GATEWAY_CA_PIN: pin, FERRY_SERVER: gateway.url }, "clusters");
    expect(run).toMatchObject({ code: 0, stderr: "" });
  });

  it("refuses the gateway when its certificate is not the pinned one, before sending the request", async () => {
    const before = requestsSeen;
    const wrong = `sha256:${"1".repeat(64)}`;
    const run = await ferry({}, "--server", gateway.url, "--gateway-ca-pin", wrong, "clusters");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `presented a certificate with fingerprint ${gateway.fingerprint}, not the one pinned by --gateway-ca-pin`,
    );
    expect(requestsSeen).toBe(before);
  });

  it("connects trusting the certificate as a CA (--gateway-ca)", async () => {
    const run = await ferry({}, "--server", gateway.url, "--gateway-ca", certFile, "clusters");
    expect(run).toMatchObject({ code: 0, stderr: "" });
  });

  it("leaves the certificate to the system CAs without either, which refuse it", async () => {
    const before = requestsSeen;
    const run = await ferry({}, "--server", gateway.url, "clusters");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("self-signed certificate");
    expect(run.stderr).toContain("pass --gateway-ca-pin with the fingerprint the gateway printed at start");
    expect(requestsSeen).toBe(before);
  });

  it.each([
    [
      ["--gateway-ca-pin", "sha256:abc"],
      'ferry: invalid --gateway-ca-pin "sha256:abc": expected sha256:<64 hex digits> (the fingerprint the gateway prints)\n',
    ],
    [
      ["--gateway-ca", "/nonexistent/ca.pem"],
      "ferry: --gateway-ca: cannot read /nonexistent/ca.pem (ENOENT)\n",
    ],
    [
      ["--gateway-ca", "c.pem", "--gateway-ca-pin", `sha256:${"1".repeat(64)}`],
      "ferry: give --gateway-ca or --gateway-ca-pin, not both\n",
    ],
  ])("refuses %j before dialing", async (args, message) => {
    const before = requestsSeen;
    const run = await ferry({}, "--server", gateway.url, ...args, "clusters");
    expect(run).toEqual({ code: 2, stdout: "", stderr: message });
    expect(requestsSeen).toBe(before);
  });

  it("refuses a pin for an http:// server, naming where it came from", async () => {
    const run = await ferry(
      { FERRY_GATEWAY_CA_PIN: `${gateway.fingerprint}` },
      "--server",
      "http://127.0.0.1:1",
      "clusters",
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `ferry: invalid FERRY_GATEWAY_CA_PIN "${gateway.fingerprint}": it applies to https:// gateways, not http://127.0.0.1:1\n`,
    );
  });

  it("hands ferry agent the same global flags", async () => {
    const started: AgentOptions[] = [];
    const shutdown = new AbortController();
    const deps: CliDeps = {
      stdout: new CapturedStream(),
      stderr: new CapturedStream(),
      env: {},
      now: () => Date.now(),
      signal: shutdown.signal,
      createClient: createImportClient,
      createAdminClient,
      startGateway: () => Promise.reject(new Error("not in this test")),
      startAgent: async (options): Promise<RunningAgent> => {
        started.push(options);
        shutdown.abort();
        return runningAgentFixture();
      },
    };
    const argv = ["agent", "--gateway", "https://gw:7443", "--cluster", "edge-1", "--gateway-ca-pin"];
    expect(await runCli([...argv, `${gateway.fingerprint}`], deps)).toBe(0);
    expect(
      await runCli(
        ["--gateway-ca", "ca.pem", "agent", "--gateway", "https://gw:7443", "--cluster", "edge-1"],
        deps,
      ),
    ).toBe(0);
    expect(started.map((o) => [o.gatewayCaPin, o.gatewayCa])).toEqual([
      [gateway.fingerprint, undefined],
      [undefined, join(process.cwd(), "ca.pem")],
    ]);
  });
});
