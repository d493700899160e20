import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { toJsonString } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { ConnectError } from "@connectrpc/connect";
import { ImportState, ListTargetsResponseSchema } from "@ferry/api";
import {
  buildSourceTsdb,
  canonicalLabels,
  countSamplesPerSeries,
  type PrometheusServer,
  type SourceTsdb,
  startPrometheus,
  startVictoriaMetrics,
  type VictoriaMetricsServer,
} from "@ferry/local-prometheus";
import pino from "pino";
import { type FerryStack, startFerryStack } from "../support/ferry-stack";
import { waitForImport } from "../support/wait-for-import";

const HOUR = 3600_000;
const END = Math.floor(Date.now() / HOUR) * HOUR - 4 * HOUR;
const START = END - 2 * HOUR;
const CLUSTER = "auth-e2e";

// Secrets that must reach the source and never a log line or an API answer.
const USER = "ferry-reader";
const PASSWORD = "pw-5c1d7e0a-never-logged";
// bcrypt (cost 4) of PASSWORD, for Prometheus's basic_auth_users.
const PASSWORD_HASH = "$2b$04$Unqd8LUXAMgzaQ6ITc7DeuTsAq481VYbAvkXx7dCdRPEbj11jchEG";
const TOKEN_ONE = "tok-1f0b9-first-never-logged";
const TOKEN_TWO = "tok-77aa2-second-rotated-never-logged";
const ORG_ID = "orgid-secret-3e9d";

/** SourceAuth's fields, as a request takes them. */
interface AuthInit {
  basicUsername?: string;
  basicPasswordFile?: string;
  bearerTokenFile?: string;
  headers?: Record<string, string>;
  caFile?: string;
  insecureSkipVerify?: boolean;
}

/** A CA and a server certificate for 127.0.0.1 signed by it, made with openssl. */
async function makeCertificates(dir: string) {
  const run = promisify(execFile);
  const f = (name: string) => join(dir, name);
  const subject = (cn: string) => ["-subj", `/CN=${cn}`];
  await run("openssl", [
    ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"],
    ...["-keyout", f("ca.key"), "-out", f("ca.pem"), ...subject("ferry-test-ca")],
  ]);
  await run("openssl", [
    ...["req", "-newkey", "rsa:2048", "-nodes", "-keyout", f("server.key"), "-out", f("server.csr")],
    ...subject("localhost"),
  ]);
  await writeFile(f("san.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  await run("openssl", [
    ...["x509", "-req", "-in", f("server.csr"), "-CA", f("ca.pem"), "-CAkey", f("ca.key")],
    ...["-CAcreateserial", "-days", "2", "-out", f("server.pem"), "-extfile", f("san.cnf")],
  ]);
  return { caFile: f("ca.pem"), certFile: f("server.pem"), keyFile: f("server.key") };
}

/**
 * A plain-HTTP proxy in front of the TLS, basic-auth source: remembers the Authorization and
 * X-Scope-OrgID each read carried, then forwards it with the source's own credentials.
 */
class RecordingProxy {
  readonly seen: { authorization: string; orgId: string }[] = [];
  private readonly server: Server;
  url = "";

  constructor(upstream: string, ca: Buffer) {
    const target = new URL(upstream);
    const basic = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString("base64")}`;
    this.server = createServer((req: IncomingMessage, res) => {
      this.seen.push({
        authorization: String(req.headers.authorization ?? ""),
        orgId: String(req.headers["x-scope-orgid"] ?? ""),
      });
      const headers = { ...req.headers, host: target.host, authorization: basic };
      const forward = https.request(target, { method: req.method, headers, ca }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.on("error", (error) => res.writeHead(502).end(String(error)));
      req.pipe(forward);
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/v1/read`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

describe("source credentials (TLS and basic auth Prometheus, bearer and headers through a proxy)", () => {
  let work: string;
  let history: SourceTsdb;
  let certs: Awaited<ReturnType<typeof makeCertificates>>;
  let source: PrometheusServer<"source">;
  let sink: VictoriaMetricsServer;
  let proxy: RecordingProxy;
  let stack: FerryStack;
  const logLines: string[] = [];
  const files = { password: "", wrongPassword: "", token: "" };

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "ferry-auth-"));
    certs = await makeCertificates(work);
    history = await buildSourceTsdb({
      dir: join(work, "source"),
      series: 20,
      startMs: START,
      endMs: END,
      stepMs: 15_000,
    });
    [source, sink] = await Promise.all([
      startPrometheus({
        dataDir: history.dir,
        role: "source",
        web: {
          tls: certs,
          basicAuthUsers: { [USER]: PASSWORD_HASH },
          probe: { username: USER, password: PASSWORD },
        },
      }),
      startVictoriaMetrics({ dataDir: join(work, "sink") }),
    ]);
    files.password = join(work, "password");
    files.wrongPassword = join(work, "wrong-password");
    files.token = join(work, "token");
    await writeFile(files.password, `${PASSWORD}\n`);
    await writeFile(files.wrongPassword, "not-the-password\n");
    await writeFile(files.token, TOKEN_ONE);
    proxy = new RecordingProxy(source.remoteReadUrl, await readFile(certs.caFile));
    await proxy.start();

    // Every log line of the gateway and the agent, at the most verbose level.
    const capture = { write: (line: string) => void logLines.push(line) };
    stack = await startFerryStack({
      remoteWriteUrl: sink.remoteWriteUrl,
      queryUrl: sink.url,
      logger: pino({ level: "trace" }, capture),
    });
    await stack.startAgent(CLUSTER, { logger: pino({ level: "trace" }, capture) });
  }, 180_000);

  afterAll(async () => {
    await stack?.close();
    await proxy?.close();
    await Promise.all([source?.stop(), sink?.stop()]);
    await rm(work, { recursive: true, force: true });
  });

  const basicAuth = (passwordFile: string, extra: AuthInit = {}) => ({
    basicUsername: USER,
    basicPasswordFile: passwordFile,
    caFile: certs.caFile,
    ...extra,
  });

  async function runImport(target: string, force = true) {
    await stack.client.startImport({
      clusterId: CLUSTER,
      target,
      start: timestampFromMs(START),
      end: timestampFromMs(END),
      force,
    });
    return waitForImport(stack.client, CLUSTER, target);
  }

  it("the source refuses a read without credentials (the test's premise)", async () => {
    await stack.client.addTarget({ clusterId: CLUSTER, name: "bare", endpoint: source.remoteReadUrl });
    const done = await runImport("bare", false);
    expect(ImportState[done.state]).toBe("FAILED");
    // The self-signed CA is not trusted: a config error, said at once and not retried.
    expect(done.message).toContain("auth.ca_file");
    await stack.client.editTarget({ clusterId: CLUSTER, name: "bare", auth: { caFile: certs.caFile } });
    const trusted = await runImport("bare");
    expect(ImportState[trusted.state]).toBe("FAILED");
    expect(trusted.message).toMatch(/HTTP 401/);
  });

  it("basic auth with ca_file over https imports exactly: the sink holds the source's samples", async () => {
    await stack.client.addTarget({
      clusterId: CLUSTER,
      name: "tls-basic",
      endpoint: source.remoteReadUrl,
      auth: basicAuth(files.password),
    });
    const done = await runImport("tls-basic", false);
    expect(done.message).toBe("");
    expect(ImportState[done.state]).toBe("COMPLETED");
    expect(Number(done.counters?.samplesRead)).toBe(history.samples);
    expect(Number(done.counters?.samplesWritten)).toBe(history.samples);

    await sink.flush();
    const landed = await countSamplesPerSeries(sink.url, '{job="ferry-history"}', START, END);
    const expected = new Map(history.series.map((s) => [canonicalLabels(s.labels), s.samples]));
    expect(expected.size).toBe(20);
    expect(landed).toEqual(expected);
  });

  it("a wrong password fails the import with the source's 401, without retrying", async () => {
    await stack.client.editTarget({
      clusterId: CLUSTER,
      name: "tls-basic",
      auth: basicAuth(files.wrongPassword),
    });
    const done = await runImport("tls-basic");
    expect(ImportState[done.state]).toBe("FAILED");
    expect(done.message).toMatch(/HTTP 401/);
  });

  it("a missing password file fails with a message naming the field and the path", async () => {
    const missing = join(work, "no-such-password");
    await stack.client.editTarget({ clusterId: CLUSTER, name: "tls-basic", auth: basicAuth(missing) });
    const done = await runImport("tls-basic");
    expect(ImportState[done.state]).toBe("FAILED");
    expect(done.message).toContain(`auth.basic_password_file: ${missing}: no such file`);
  });

  it("insecure_skip_verify reads the https source without the CA", async () => {
    await stack.client.editTarget({
      clusterId: CLUSTER,
      name: "tls-basic",
      auth: basicAuth(files.password, { caFile: "", insecureSkipVerify: true }),
    });
    const done = await runImport("tls-basic");
    expect(done.message).toBe("");
    expect(ImportState[done.state]).toBe("COMPLETED");
    expect(Number(done.counters?.samplesRead)).toBe(history.samples);
  });

  it("sends the bearer token and extra headers, and the token file's new content once it changes", async () => {
    await stack.client.addTarget({
      clusterId: CLUSTER,
      name: "proxied",
      endpoint: proxy.url,
      auth: { bearerTokenFile: files.token, headers: { "X-Scope-OrgID": ORG_ID } },
    });
    const first = await runImport("proxied", false);
    expect(ImportState[first.state]).toBe("COMPLETED");
    expect(proxy.seen.length).toBeGreaterThan(0);
    expect(new Set(proxy.seen.map((s) => s.authorization))).toEqual(new Set([`Bearer ${TOKEN_ONE}`]));
    expect(new Set(proxy.seen.map((s) => s.orgId))).toEqual(new Set([ORG_ID]));

    proxy.seen.length = 0;
    await writeFile(files.token, `${TOKEN_TWO}\n`); // as a rotated service-account token
    const second = await runImport("proxied");
    expect(ImportState[second.state]).toBe("COMPLETED");
    expect(proxy.seen.length).toBeGreaterThan(0);
    expect(new Set(proxy.seen.map((s) => s.authorization))).toEqual(new Set([`Bearer ${TOKEN_TWO}`]));
  });

  it("the API never answers with a header value; an edit may keep it by sending <redacted> back", async () => {
    const list = await stack.client.listTargets({ clusterId: CLUSTER });
    const text = toJsonString(ListTargetsResponseSchema, list);
    expect(text).not.toContain(ORG_ID);
    const proxied = list.targets.find((t) => t.name === "proxied");
    expect(proxied?.auth?.headers).toEqual({ "X-Scope-OrgID": "<redacted>" });
    expect(proxied?.auth?.bearerTokenFile).toBe(files.token);
    const got = await stack.client.getTarget({ clusterId: CLUSTER, name: "proxied" });
    expect(JSON.stringify(got.target?.auth)).not.toContain(ORG_ID);

    const edited = await stack.client.editTarget({
      clusterId: CLUSTER,
      name: "proxied",
      auth: { bearerTokenFile: files.token, headers: { "X-Scope-OrgID": "<redacted>" } },
    });
    expect(edited.target?.auth?.headers).toEqual({ "X-Scope-OrgID": "<redacted>" });
    proxy.seen.length = 0;
    expect(ImportState[(await runImport("proxied")).state]).toBe("COMPLETED");
    expect(new Set(proxy.seen.map((s) => s.orgId))).toEqual(new Set([ORG_ID]));
  });

  it("refuses bad credentials with the field named", async () => {
    const add = (auth: AuthInit) =>
      stack.client.addTarget({ clusterId: CLUSTER, name: "bad", endpoint: source.remoteReadUrl, auth }).then(
        () => "accepted",
        (e: unknown) => ConnectError.from(e).rawMessage,
      );
    expect(await add({ headers: { "X Bad": "v" } })).toMatch(/^auth\.headers\["X Bad"\]: /);
    expect(await add({ headers: { Host: "x" } })).toMatch(/^auth\.headers\["Host"\]: may not be set/);
    expect(await add({ caFile: "relative/ca.pem" })).toMatch(/^auth\.ca_file: .* not an absolute path/);
    expect(await add({ basicUsername: "u", basicPasswordFile: "/p", bearerTokenFile: "/t" })).toMatch(
      /^auth\.bearer_token_file: cannot be combined with basic auth/,
    );
  });

  it("no log line of the gateway or the agent holds the password, a token or a header value", () => {
    // Both processes' lines are captured, failures included.
    expect(logLines.some((l) => l.includes("agent connected"))).toBe(true);
    expect(logLines.some((l) => l.includes("HTTP 401"))).toBe(true);
    const all = logLines.join("");
    for (const secret of [
      PASSWORD,
      TOKEN_ONE,
      TOKEN_TWO,
      ORG_ID,
      Buffer.from(`${USER}:${PASSWORD}`).toString("base64"),
    ]) {
      expect(all).not.toContain(secret);
    }
  });
});
