// Malformed and hostile input against a real gateway and agent: every bad management request
// is answered with a precise Connect code naming the field; oversize pushes, snappy bombs,
// corrupt remote-read streams, garbage streams and silent connections are refused or closed,
// and the gateway keeps serving.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { connect as http2Connect } from "node:http2";
import type { AddressInfo } from "node:net";
import { connect as netConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { TimestampSchema, timestampFromMs } from "@bufbuild/protobuf/wkt";
import { type Client, Code, ConnectError, createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { type RunningAgent, startAgent } from "@ferry/agent";
import { AdminService, ImportService, ImportState, type RejectPolicy } from "@ferry/api";
import { type RunningGateway, startGateway } from "@ferry/gateway";
import { compressBlock, encodeWriteRequest } from "@ferry/prompb";
import pino from "pino";
import { waitForImport } from "../support/wait-for-import";

const quiet = () => pino({ level: process.env.FERRY_TEST_LOG_LEVEL ?? "silent" });
const MAX_PUSH_BYTES = 64 * 1024;
const HOUR = 3600_000;

function bearer(token: string): Interceptor {
  return (next) => (req) => {
    req.header.set("authorization", `Bearer ${token}`);
    return next(req);
  };
}

/** A remote-read source that never answers (/hang) or streams a frame whose CRC is wrong (/corrupt). */
function startFakeSource(): Promise<Server> {
  // A real Prometheus 2.42 STREAMED_XOR_CHUNKS response (see packages/prompb/testdata/capture.mjs).
  const body = Uint8Array.from(
    readFileSync(join(__dirname, "../../packages/prompb/testdata/streamed-all.bin")),
  );
  // The first frame's data starts after its uvarint length and 4-byte CRC; damage one byte of it.
  let dataStart = 0;
  while ((body[dataStart++] ?? 0) >= 0x80);
  body[dataStart + 4 + 10] = (body[dataStart + 4 + 10] ?? 0) ^ 0x01;
  const server = createServer((req, res) => {
    req.resume();
    if (req.url?.startsWith("/corrupt")) {
      res.writeHead(200, {
        "Content-Type": "application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse",
      });
      res.end(body);
    }
    // Anything else: hold the request open until the client gives up.
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

/** A sink that accepts every remote write and remembers the tenants. */
function startFakeSink(tenants: string[]): Promise<Server> {
  const server = createServer((req, res) => {
    tenants.push(String(req.headers["x-scope-orgid"]));
    req.resume();
    req.on("end", () => res.writeHead(204).end());
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

async function failure(call: () => Promise<unknown>): Promise<ConnectError> {
  try {
    await call();
  } catch (error) {
    return ConnectError.from(error);
  }
  throw new Error("the call succeeded");
}

describe("hostile input", () => {
  let work: string;
  let source: Server;
  let sink: Server;
  const tenants: string[] = [];
  let gateway: RunningGateway;
  let agent: RunningAgent;
  let client: Client<typeof ImportService>;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "ferry-hostile-"));
    source = await startFakeSource();
    sink = await startFakeSink(tenants);
    gateway = await startGateway({
      listen: "127.0.0.1:0",
      dataDir: join(work, "gateway"),
      remoteWriteUrl: `${urlOf(sink)}/api/v1/push`,
      maxPushBytes: MAX_PUSH_BYTES,
      logger: quiet(),
    });
    const transport = createGrpcTransport({
      baseUrl: gateway.url,
      interceptors: [bearer(gateway.adminToken ?? "")],
    });
    client = createClient(ImportService, transport);
    const admin = createClient(AdminService, transport);
    agent = await startAgent({
      gatewayUrl: gateway.url,
      clusterId: "edge-1",
      bootstrapToken: (await admin.createBootstrapToken({ clusterId: "edge-1" })).secret,
      dataDir: join(work, "agent"),
      remoteWriteListen: "127.0.0.1:0",
      logger: quiet(),
    });
    await agent.ready();
    await client.addTarget({
      clusterId: "edge-1",
      name: "k8s",
      endpoint: "http://prometheus:9090/api/v1/read",
    });
  });

  afterAll(async () => {
    await agent?.close();
    await gateway?.close();
    source?.closeAllConnections();
    source?.close();
    sink?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  describe("malformed management requests", () => {
    const now = Date.now();
    const ts = (ms: number) => timestampFromMs(ms);
    const range = { clusterId: "edge-1", target: "k8s", start: ts(now - HOUR), end: ts(now) };

    it.each<[string, () => Promise<unknown>, Code, RegExp]>([
      [
        "cluster id with upper case",
        () => client.listTargets({ clusterId: "Edge_1" }),
        Code.InvalidArgument,
        /^cluster_id: "Edge_1" is not a DNS-1123 subdomain/,
      ],
      [
        "cluster id longer than a tenant id may be",
        () => client.listTargets({ clusterId: "a".repeat(151) }),
        Code.InvalidArgument,
        /^cluster_id: 151 characters, at most 150/,
      ],
      [
        "target name longer than a DNS label",
        () =>
          client.addTarget({ clusterId: "edge-1", name: "a".repeat(64), endpoint: "http://p/api/v1/read" }),
        Code.InvalidArgument,
        /^name: must be at most 63 characters/,
      ],
      [
        "endpoint with credentials",
        () => client.addTarget({ clusterId: "edge-1", name: "p", endpoint: "http://u:pw@p/api/v1/read" }),
        Code.InvalidArgument,
        /^endpoint: must not carry credentials/,
      ],
      [
        "endpoint with a javascript: scheme",
        () => client.addTarget({ clusterId: "edge-1", name: "p", endpoint: "javascript:alert(1)" }),
        Code.InvalidArgument,
        /^endpoint: "javascript:alert\(1\)" must use http or https/,
      ],
      [
        "endpoint of 3000 characters",
        () => client.addTarget({ clusterId: "edge-1", name: "p", endpoint: `http://p/${"a".repeat(3000)}` }),
        Code.InvalidArgument,
        /^endpoint: 3009 characters, at most 2048/,
      ],
      [
        "start before 1970",
        () => client.startImport({ ...range, start: ts(-1000) }),
        Code.InvalidArgument,
        /^start: must not be before 1970/,
      ],
      [
        "end a day in the future",
        () => client.startImport({ ...range, end: ts(now + 24 * HOUR) }),
        Code.InvalidArgument,
        /^end: .* is more than 60 minutes in the future/,
      ],
      [
        "a range of six years",
        () => client.startImport({ ...range, start: ts(now - 6 * 366 * 24 * HOUR) }),
        Code.InvalidArgument,
        /^start: the range .* is longer than 1826 days/,
      ],
      [
        "a timestamp past year 9999",
        () => client.startImport({ ...range, end: create(TimestampSchema, { seconds: 10n ** 15n }) }),
        Code.InvalidArgument,
        /^end: seconds 1000000000000000 is outside/,
      ],
      [
        "nanos out of range",
        () => client.startImport({ ...range, start: create(TimestampSchema, { seconds: 1n, nanos: 2e9 }) }),
        Code.InvalidArgument,
        /^start: nanos 2000000000 must be from 0 to 999999999/,
      ],
      [
        "a selector that selects everything",
        () => client.startImport({ ...range, selectors: ["up", '{job=~".*",instance!="x"}'] }),
        Code.InvalidArgument,
        /^selectors\[1\]: .*at least one matcher that does not match the empty string/,
      ],
      [
        "a regex Prometheus refuses",
        () => client.startImport({ ...range, selectors: ['{job=~"(a)\\\\1"}'] }),
        Code.InvalidArgument,
        /^selectors\[0\]: .*backreferences/,
      ],
      [
        "101 selectors",
        () => client.startImport({ ...range, selectors: Array(101).fill("up") }),
        Code.InvalidArgument,
        /^selectors: 101 selectors, at most 100/,
      ],
      [
        "a reserved extra label",
        () => client.startImport({ ...range, extraLabels: { __name__: "x" } }),
        Code.InvalidArgument,
        /^extra_labels: "__name__": names starting with __ are reserved/,
      ],
      [
        "31 extra labels",
        () =>
          client.startImport({
            ...range,
            extraLabels: Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`l${i}`, "v"])),
          }),
        Code.InvalidArgument,
        /^extra_labels: 31 labels, at most 30/,
      ],
      [
        "a rate limit that is not a number",
        () => client.startImport({ ...range, rateLimit: Number.NaN }),
        Code.InvalidArgument,
        /^rate_limit: /,
      ],
      [
        "an unknown reject policy",
        () => client.startImport({ ...range, onReject: 7 as RejectPolicy }),
        Code.InvalidArgument,
        /^on_reject: unknown policy 7/,
      ],
      [
        "a drop selector that does not parse",
        () => client.startImport({ ...range, dropSelectors: ["{"] }),
        Code.InvalidArgument,
        /^drop_selectors\[0\]: /,
      ],
      [
        "discover in a namespace that cannot exist",
        () => client.discover({ namespace: "Monitoring/../x" }),
        Code.InvalidArgument,
        /^namespace: "Monitoring\/..\/x" is not a Kubernetes namespace/,
      ],
      [
        "discover with a negative timeout",
        () => client.discover({ timeoutMs: -5n }),
        Code.InvalidArgument,
        /^timeout_ms: must not be negative/,
      ],
      [
        "discover with a timeout of a year",
        () => client.discover({ timeoutMs: 365n * 24n * 3600_000n }),
        Code.InvalidArgument,
        /^timeout_ms: .* above the limit of 300000 ms/,
      ],
      [
        "a query of 100 000 characters",
        () => client.query({ clusterId: "edge-1", query: `up${" ".repeat(100_000)}` }),
        Code.InvalidArgument,
        /^query: 100002 characters, at most 65536/,
      ],
      [
        "a request message of 5 MiB",
        () =>
          client.addTarget({ clusterId: "edge-1", name: "p", endpoint: `http://p/${"a".repeat(5 << 20)}` }),
        Code.ResourceExhausted,
        /message size .* is larger than configured readMaxBytes/,
      ],
    ])("refuses %s", async (_case, call, code, message) => {
      const error = await failure(call);
      expect(Code[error.code]).toBe(Code[code]);
      expect(error.rawMessage).toMatch(message);
    });
  });

  it("fails an import whose source streams a corrupt frame, saying so", async () => {
    await client.addTarget({
      clusterId: "edge-1",
      name: "corrupt",
      endpoint: `${urlOf(source)}/corrupt/api/v1/read`,
    });
    const end = Date.now();
    await client.startImport({
      clusterId: "edge-1",
      target: "corrupt",
      start: timestampFromMs(end - HOUR),
      end: timestampFromMs(end),
    });
    const record = await waitForImport(client, "edge-1", "corrupt");
    expect(ImportState[record.state]).toBe("FAILED");
    expect(record.message).toMatch(/streamed remote-read frame 0 is corrupt: checksum mismatch/);
  });

  it("caps the imports a cluster runs at once, naming the cap", async () => {
    const names = Array.from({ length: 17 }, (_, i) => `hang-${i}`);
    for (const name of names) {
      await client.addTarget({ clusterId: "edge-1", name, endpoint: `${urlOf(source)}/hang/api/v1/read` });
    }
    const range = {
      clusterId: "edge-1",
      start: timestampFromMs(Date.now() - HOUR),
      end: timestampFromMs(Date.now()),
    };
    try {
      for (const target of names.slice(0, 16)) await client.startImport({ ...range, target });
      const error = await failure(() => client.startImport({ ...range, target: "hang-16" }));
      expect(Code[error.code]).toBe("ResourceExhausted");
      expect(error.rawMessage).toMatch(
        /^cluster_id: cluster "edge-1" already runs 16 imports, the most allowed at once \(16\)/,
      );
    } finally {
      for (const target of names.slice(0, 16)) {
        await client.stopImport({ clusterId: "edge-1", target }).catch(() => undefined);
      }
    }
    const { imports } = await client.listImports({ clusterId: "edge-1" });
    expect(imports.filter((i) => i.state === ImportState.RUNNING || i.state === ImportState.PENDING)).toEqual(
      [],
    );
  });

  it("caps the targets of a cluster, naming the cap", async () => {
    const { targets } = await client.listTargets({ clusterId: "edge-1" });
    const missing = Array.from({ length: 1000 - targets.length }, (_, i) => `t-${i}`);
    for (let i = 0; i < missing.length; i += 50) {
      await Promise.all(
        missing
          .slice(i, i + 50)
          .map((name) =>
            client.addTarget({ clusterId: "edge-1", name, endpoint: "http://p:9090/api/v1/read" }),
          ),
      );
    }
    const error = await failure(() =>
      client.addTarget({ clusterId: "edge-1", name: "one-more", endpoint: "http://p:9090/api/v1/read" }),
    );
    expect(Code[error.code]).toBe("ResourceExhausted");
    expect(error.rawMessage).toMatch(
      /^cluster_id: cluster "edge-1" already has 1000 targets, the most allowed \(1000\)/,
    );
  });

  describe("the live remote-write proxy", () => {
    const post = (body: Uint8Array, headers: Record<string, string> = {}) =>
      fetch(agent.remoteWriteUrl ?? "", {
        method: "POST",
        headers: { "Content-Type": "application/x-protobuf", "Content-Encoding": "snappy", ...headers },
        body,
      }).then(async (r) => [r.status, await r.text()] as const);

    const write = (labelValue: string) =>
      compressBlock(
        encodeWriteRequest([
          {
            labels: [
              ["__name__", "up"],
              ["big", labelValue],
            ],
            samples: [{ timestampMs: Date.now(), value: 1 }],
          },
        ]),
      );

    it("forwards a good write under the agent's cluster", async () => {
      const [status] = await post(write("small"));
      expect(status).toBe(204);
      expect(tenants).toContain("edge-1");
    });

    it.each<[string, () => Promise<readonly [number, string]>, number, RegExp]>([
      [
        "a snappy bomb (10 bytes announcing 4 GiB)",
        () => post(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0, 1, 2, 3, 4])),
        400,
        /snappy block would uncompress to 4294967295 bytes, above the limit/,
      ],
      ["garbage", () => post(randomBytes(1000)), 400, /malformed remote-write request/],
      [
        "a payload above the gateway's push limit",
        () => post(write(randomBytes(MAX_PUSH_BYTES).toString("base64"))),
        413,
        /payload: \d+ bytes, above the gateway's limit of 65536/,
      ],
      [
        "a body above the proxy's limit",
        () => post(new Uint8Array(33 * 1024 * 1024)),
        413,
        /body larger than 33554432 bytes/,
      ],
      [
        "gzip",
        () => post(write("x"), { "Content-Encoding": "gzip" }),
        415,
        /unsupported content-encoding "gzip"/,
      ],
      [
        "remote write 2.0",
        () =>
          post(write("x"), { "Content-Type": "application/x-protobuf;proto=io.prometheus.write.v2.Request" }),
        415,
        /only prometheus.WriteRequest \(remote write 1.0\) is forwarded/,
      ],
      [
        "JSON",
        () => post(write("x"), { "Content-Type": "application/json" }),
        415,
        /unsupported content-type/,
      ],
    ])("answers %s with its status", async (_case, send, status, message) => {
      const [got, text] = await send();
      expect([got, text]).toEqual([status, expect.stringMatching(message)]);
    });
  });

  it("answers garbage on the AgentLink stream with an error status and keeps serving", async () => {
    const session = http2Connect(gateway.url);
    try {
      const statuses = await Promise.all(
        [randomBytes(2000), Buffer.from([0, 0x7f, 0xff, 0xff, 0xff, 1, 2, 3])].map(
          (garbage) =>
            new Promise<string>((resolve, reject) => {
              const stream = session.request({
                ":method": "POST",
                ":path": "/ferry.v1.AgentLink/Connect",
                "content-type": "application/grpc",
                te: "trailers",
              });
              let status = "";
              stream.on("response", (headers) => {
                status = String(headers["grpc-status"] ?? status);
              });
              stream.on("trailers", (trailers) => {
                status = String(trailers["grpc-status"] ?? status);
              });
              stream.on("close", () => resolve(status));
              stream.on("error", reject);
              stream.resume();
              stream.end(garbage);
            }),
        ),
      );
      for (const status of statuses) expect(["", "0"]).not.toContain(status);
    } finally {
      session.close();
    }
    const { targets } = await client.listTargets({ clusterId: "edge-1" });
    expect(targets.length).toBeGreaterThan(0);
  });

  it("closes connections that never send a request", async () => {
    const { port } = new URL(gateway.url);
    const silentTcp = new Promise<void>((resolve, reject) => {
      const socket = netConnect(Number(port), "127.0.0.1");
      socket.on("error", reject);
      socket.on("close", () => resolve());
      socket.resume(); // read, or the end the gateway sends is never seen
    });
    // A real HTTP/2 client: it sends its preface and settings, then nothing.
    const silentHttp2 = new Promise<void>((resolve) => {
      const session = http2Connect(gateway.url);
      session.on("error", () => undefined);
      session.on("close", () => resolve());
    });
    await Promise.all([silentTcp, silentHttp2]);
  }, 60_000);
});
