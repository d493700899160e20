import { execFileSync } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { type Client, createClient, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { type AgentOptions, type RunningAgent, startAgent } from "@ferry/agent";
import {
  AdminService,
  ImportService,
  type ListClustersRequest,
  ListClustersRequestSchema,
  type ListClustersResponse,
  ListClustersResponseSchema,
} from "@ferry/api";
import { type GatewayOptions, type RunningGateway, startGateway } from "@ferry/gateway";
import * as grpc from "@grpc/grpc-js";
import pino from "pino";
import { bearer } from "../support/ferry-stack";

// Real gateways with TLS, real agents and clients dialing them. The server side counts every
// request it is handed (HTTP/2 streams and HTTP/1.1 requests), to show that a client refusing
// the gateway's certificate never sends one.
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

const quiet = () => pino({ level: process.env.FERRY_TEST_LOG_LEVEL ?? "silent" });

/** An agent logger that keeps what it logs, so a test can wait for a refusal to be logged. */
function recordingLogger() {
  const lines: string[] = [];
  const logger = pino({ level: "warn" }, { write: (line: string) => lines.push(line) });
  return { logger, lines };
}

async function until(probe: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function sha256Of(pemFile: string): Promise<string> {
  return readFile(pemFile, "utf8").then(
    (pem) => `sha256:${createHash("sha256").update(new X509Certificate(pem).raw).digest("hex")}`,
  );
}

/** A started gateway and how a test client trusts it (the CA, or the self-signed certificate). */
interface TestGateway {
  running: RunningGateway;
  ca: string | undefined;
  /** The management and admin API with the admin token, trusting `ca`. */
  transport: Transport;
}

describe("TLS between the gateway, agents and clients", () => {
  let work: string;
  const gateways: RunningGateway[] = [];
  const agents: RunningAgent[] = [];

  async function gateway(options: Partial<GatewayOptions> & { caFile?: string } = {}): Promise<TestGateway> {
    const { caFile, ...gatewayOptions } = options;
    const dataDir = options.dataDir ?? (await mkdtemp(join(work, "gateway-")));
    const running = await startGateway({
      listen: "127.0.0.1:0",
      remoteWriteUrl: "http://127.0.0.1:9/api/v1/write",
      logger: quiet(),
      ...gatewayOptions,
      dataDir,
    });
    gateways.push(running);
    const selfSigned = options.tls && "selfSigned" in options.tls;
    const caPath = caFile ?? (selfSigned ? join(dataDir, "tls", "cert.pem") : undefined);
    const ca = caPath ? await readFile(caPath, "utf8") : undefined;
    const transport = createGrpcTransport({
      baseUrl: running.url,
      sessionManager: new Http2SessionManager(running.url, undefined, ca ? { ca } : {}),
      interceptors: running.adminToken ? [bearer(running.adminToken)] : [],
    });
    return { running, ca, transport };
  }

  /** An agent of cluster edge-1 with a fresh bootstrap token (it enrolls over the link it dials). */
  async function agent(gw: TestGateway, options: Partial<AgentOptions> = {}): Promise<RunningAgent> {
    const admin: Client<typeof AdminService> = createClient(AdminService, gw.transport);
    const { secret } = await admin.createBootstrapToken({ clusterId: "edge-1" });
    const running = await startAgent({
      gatewayUrl: gw.running.url,
      clusterId: "edge-1",
      bootstrapToken: secret,
      logger: quiet(),
      ...options,
    });
    agents.push(running);
    return running;
  }

  async function connectedClusters(gw: TestGateway): Promise<string[]> {
    const { clusters } = await createClient(ImportService, gw.transport).listClusters({});
    return clusters.filter((c) => c.connected).map((c) => c.id);
  }

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "ferry-tls-"));
  });
  afterEach(async () => {
    for (const running of agents.splice(0)) await running.close();
    for (const running of gateways.splice(0)) await running.close();
  });
  afterAll(() => rm(work, { recursive: true, force: true }));

  describe("a self-signed certificate", () => {
    it("is made on the first start, kept in <dataDir>/tls with a 0600 key, and reused later", async () => {
      const dataDir = join(work, "reuse");
      const { running: first } = await gateway({
        dataDir,
        tls: { selfSigned: true, subjectAltNames: ["gw.example.com"] },
      });
      expect(first.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(first.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(await sha256Of(join(dataDir, "tls", "cert.pem"))).toBe(first.fingerprint);
      expect((await stat(join(dataDir, "tls", "key.pem"))).mode & 0o777).toBe(0o600);
      const cert = new X509Certificate(await readFile(join(dataDir, "tls", "cert.pem")));
      for (const name of [
        "DNS:localhost",
        "IP Address:127.0.0.1",
        "IP Address:0:0:0:0:0:0:0:1",
        "DNS:gw.example.com",
      ]) {
        expect(cert.subjectAltName?.split(", ")).toContain(name);
      }
      await first.close();

      const { running: second } = await gateway({ dataDir, tls: { selfSigned: true } });
      expect(second.fingerprint).toBe(first.fingerprint);
    });

    it("refuses a kept certificate whose key is not its own, naming what to do", async () => {
      const dataDir = join(work, "mismatch");
      await (await gateway({ dataDir, tls: { selfSigned: true } })).running.close();
      const other = join(work, "other");
      await (await gateway({ dataDir: other, tls: { selfSigned: true } })).running.close();
      await writeFile(join(dataDir, "tls", "key.pem"), await readFile(join(other, "tls", "key.pem")));
      await expect(gateway({ dataDir, tls: { selfSigned: true } })).rejects.toThrow(
        /^--tls-key: is not the key of the certificate in .*cert\.pem$/,
      );
    });
  });

  describe("pinning the fingerprint", () => {
    let gw: TestGateway;
    beforeEach(async () => {
      gw = await gateway({ tls: { selfSigned: true } });
    });

    it("lets an agent with the right pin connect", async () => {
      const before = requestsSeen;
      const pinned = await agent(gw, { gatewayCaPin: gw.running.fingerprint });
      await pinned.ready();
      expect(requestsSeen).toBeGreaterThan(before);
      expect(await connectedClusters(gw)).toEqual(["edge-1"]);
    });

    it("refuses a gateway with another certificate before sending any request", async () => {
      const { logger, lines } = recordingLogger();
      const refusals = () => lines.filter((line) => line.includes("not the one pinned"));
      const before = requestsSeen + 1; // the bootstrap token's creation
      await agent(gw, { gatewayCaPin: `sha256:${"0".repeat(64)}`, logger });
      await until(() => refusals().length >= 2, "the agent to refuse twice");
      expect(requestsSeen).toBe(before);
      expect(refusals()[0]).toContain(`fingerprint ${gw.running.fingerprint}`);
      expect(await connectedClusters(gw)).toEqual([]);
    });

    it("leaves an agent without pin or CA to the system CAs, which refuse a self-signed certificate", async () => {
      const { logger, lines } = recordingLogger();
      const before = requestsSeen + 1;
      await agent(gw, { logger });
      await until(
        () => lines.some((line) => line.includes("self-signed certificate")),
        "the agent to refuse",
      );
      expect(requestsSeen).toBe(before);
    });

    it("refuses a pin for an http:// gateway, naming the flag", async () => {
      await expect(
        startAgent({
          gatewayUrl: "http://127.0.0.1:7443",
          clusterId: "edge-1",
          gatewayCaPin: gw.running.fingerprint,
        }),
      ).rejects.toThrow("--gateway-ca-pin: applies to https:// gateways, not http://127.0.0.1:7443");
    });
  });

  describe("a certificate signed by a CA, from --tls-cert and --tls-key", () => {
    let dir: string;
    let gw: TestGateway;

    beforeAll(async () => {
      dir = join(work, "ca");
      await mkdir(dir);
      const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
      const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
      openssl(
        "req",
        "-x509",
        ...ec,
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=ferry test CA",
      );
      openssl("req", ...ec, "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=ferry gateway");
      await writeFile(
        join(dir, "leaf.ext"),
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
      );
      openssl(
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "leaf.ext",
        "-out",
        "leaf.pem",
      );
      // The chain the gateway serves: leaf, then the CA.
      await writeFile(
        join(dir, "chain.pem"),
        (await readFile(join(dir, "leaf.pem"), "utf8")) + (await readFile(join(dir, "ca.pem"), "utf8")),
      );
    });
    beforeEach(async () => {
      gw = await gateway({
        tls: { certFile: join(dir, "chain.pem"), keyFile: join(dir, "leaf.key") },
        caFile: join(dir, "ca.pem"),
      });
    });

    it("serves it, printing the leaf's fingerprint", async () => {
      expect(gw.running.fingerprint).toBe(await sha256Of(join(dir, "leaf.pem")));
    });

    it("lets an agent given the CA (--gateway-ca) connect", async () => {
      const verified = await agent(gw, { gatewayCa: join(dir, "ca.pem") });
      await verified.ready();
      expect(await connectedClusters(gw)).toEqual(["edge-1"]);
    });

    it("accepts a pin of the CA certificate of the chain", async () => {
      const pinned = await agent(gw, { gatewayCaPin: await sha256Of(join(dir, "ca.pem")) });
      await pinned.ready();
    });

    it("answers a @grpc/grpc-js client that trusts the CA", async () => {
      const Client = grpc.makeGenericClientConstructor(
        {
          ListClusters: {
            path: "/ferry.v1.ImportService/ListClusters",
            requestStream: false,
            responseStream: false,
            requestSerialize: (m: ListClustersRequest) => Buffer.from(toBinary(ListClustersRequestSchema, m)),
            requestDeserialize: (b: Buffer) => fromBinary(ListClustersRequestSchema, b),
            responseSerialize: (m: ListClustersResponse) =>
              Buffer.from(toBinary(ListClustersResponseSchema, m)),
            responseDeserialize: (b: Buffer) => fromBinary(ListClustersResponseSchema, b),
          },
        },
        "ImportService",
      );
      const credentials = grpc.credentials.createSsl(await readFile(join(dir, "ca.pem")));
      const client = new Client(new URL(gw.running.url).host, credentials);
      try {
        const response = await new Promise<ListClustersResponse>((resolve, reject) => {
          const call = client.ListClusters as unknown as (
            req: ListClustersRequest,
            metadata: grpc.Metadata,
            cb: (err: grpc.ServiceError | null, res: ListClustersResponse) => void,
          ) => void;
          const metadata = new grpc.Metadata();
          metadata.set("authorization", `Bearer ${gw.running.adminToken}`);
          call.call(client, create(ListClustersRequestSchema, {}), metadata, (err, res) =>
            err ? reject(err) : resolve(res),
          );
        });
        expect(response.clusters).toEqual([]);
      } finally {
        client.close();
      }
    });

    it("answers Connect over HTTP/1.1 (gRPC-Web and Connect clients without HTTP/2)", async () => {
      const client = createClient(
        ImportService,
        createConnectTransport({
          baseUrl: gw.running.url,
          httpVersion: "1.1",
          nodeOptions: { ca: gw.ca },
          interceptors: [bearer(gw.running.adminToken ?? "")],
        }),
      );
      const before = requestsSeen;
      expect((await client.listClusters({})).clusters).toEqual([]);
      expect(requestsSeen).toBe(before + 1);
    });
  });

  it("still serves plain h2c without TLS options", async () => {
    const plain = await gateway();
    expect(plain.running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(plain.running.fingerprint).toBeUndefined();
    await (await agent(plain)).ready();
    expect(await connectedClusters(plain)).toEqual(["edge-1"]);
  });
});
