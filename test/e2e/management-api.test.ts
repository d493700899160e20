import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import {
  ImportService,
  type ListTargetsRequest,
  ListTargetsRequestSchema,
  type ListTargetsResponse,
  ListTargetsResponseSchema,
} from "@ferry/api";
import * as grpc from "@grpc/grpc-js";
import { bearer, type FerryStack, startFerryStack } from "../support/ferry-stack";

describe("management API on a running gateway", () => {
  let stack: FerryStack;

  beforeAll(async () => {
    // No import runs here, so the sink is never called.
    stack = await startFerryStack({ remoteWriteUrl: "http://127.0.0.1:9/api/v1/write" });
    await stack.startAgent("edge-1");
    await stack.client.addTarget({
      clusterId: "edge-1",
      name: "k8s",
      endpoint: "http://prometheus:9090/api/v1/read",
    });
  });
  afterAll(() => stack?.close());
  const adminToken = () => stack.gateway.adminToken ?? "";

  it("answers ListTargets to a @grpc/grpc-js client", async () => {
    const Client = grpc.makeGenericClientConstructor(
      {
        ListTargets: {
          path: "/ferry.v1.ImportService/ListTargets",
          requestStream: false,
          responseStream: false,
          requestSerialize: (m: ListTargetsRequest) => Buffer.from(toBinary(ListTargetsRequestSchema, m)),
          requestDeserialize: (b: Buffer) => fromBinary(ListTargetsRequestSchema, b),
          responseSerialize: (m: ListTargetsResponse) => Buffer.from(toBinary(ListTargetsResponseSchema, m)),
          responseDeserialize: (b: Buffer) => fromBinary(ListTargetsResponseSchema, b),
        },
      },
      "ImportService",
    );
    const client = new Client(new URL(stack.gateway.url).host, grpc.credentials.createInsecure());
    const listTargets = (metadata: grpc.Metadata) =>
      new Promise<ListTargetsResponse>((resolve, reject) => {
        const call = client.ListTargets as unknown as (
          req: ListTargetsRequest,
          metadata: grpc.Metadata,
          cb: (err: grpc.ServiceError | null, res: ListTargetsResponse) => void,
        ) => void;
        call.call(client, create(ListTargetsRequestSchema, { clusterId: "edge-1" }), metadata, (err, res) =>
          err ? reject(err) : resolve(res),
        );
      });
    try {
      const metadata = new grpc.Metadata();
      metadata.set("authorization", `Bearer ${adminToken()}`);
      const response = await listTargets(metadata);
      expect(response.targets.map((t) => `${t.clusterId}/${t.name} ${t.endpoint}`)).toEqual([
        "edge-1/k8s http://prometheus:9090/api/v1/read",
      ]);
      const refused = await listTargets(new grpc.Metadata()).catch((e: grpc.ServiceError) => e);
      // connect-node percent-encodes the ':' of grpc-message, which grpc-js leaves as is.
      expect((refused as grpc.ServiceError).code).toBe(grpc.status.UNAUTHENTICATED);
      expect((refused as grpc.ServiceError).details).toMatch(/missing `Bearer <admin token>`/);
    } finally {
      client.close();
    }
  });

  it.each([
    ["Connect", createConnectTransport],
    ["gRPC-Web", createGrpcWebTransport],
  ])("answers ListTargets to a %s client", async (_name, makeTransport) => {
    const client = (interceptors: Interceptor[]) =>
      createClient(
        ImportService,
        makeTransport({ baseUrl: stack.gateway.url, httpVersion: "2", interceptors }),
      );
    const response = await client([bearer(adminToken())]).listTargets({});
    expect(response.targets.map((t) => t.name)).toEqual(["k8s"]);
    for (const interceptors of [[], [bearer("not-the-admin-token")]]) {
      const error = await client(interceptors)
        .listTargets({})
        .catch((e: unknown) => ConnectError.from(e));
      expect(error instanceof ConnectError && Code[error.code]).toBe("Unauthenticated");
    }
  });

  it.each(["grpc", "connect"])("answers buf curl --protocol %s, as the README shows", async (protocol) => {
    const root = join(__dirname, "../..");
    const { stdout } = await promisify(execFile)(
      join(root, "node_modules/.bin/buf"),
      [
        "curl",
        "--schema",
        "proto",
        "--http2-prior-knowledge",
        "--protocol",
        protocol,
        "-H",
        `Authorization: Bearer ${adminToken()}`,
        `${stack.gateway.url}/ferry.v1.ImportService/ListTargets`,
        "-d",
        '{"clusterId":"edge-1"}',
      ],
      { cwd: root, timeout: 30_000 },
    );
    const body = JSON.parse(stdout) as { targets: Array<{ clusterId: string; name: string }> };
    expect(body.targets.map((t) => `${t.clusterId}/${t.name}`)).toEqual(["edge-1/k8s"]);
  });

  it("refuses buf curl without the admin token", async () => {
    const root = join(__dirname, "../..");
    const failure = await promisify(execFile)(
      join(root, "node_modules/.bin/buf"),
      [
        "curl",
        "--schema",
        "proto",
        "--http2-prior-knowledge",
        `${stack.gateway.url}/ferry.v1.ImportService/ListTargets`,
        "-d",
        "{}",
      ],
      { cwd: root, timeout: 30_000 },
    ).then(
      () => undefined,
      (e: { stderr: string }) => e.stderr,
    );
    expect(failure).toMatch(/"code": "unauthenticated"/);
  });

  const start = timestampFromMs(Date.parse("2026-01-02T00:00:00Z"));
  const end = timestampFromMs(Date.parse("2026-01-01T00:00:00Z"));

  it.each<[string, () => Promise<unknown>, Code, RegExp]>([
    [
      "unknown cluster",
      () =>
        stack.client.addTarget({ clusterId: "nowhere", name: "p", endpoint: "http://p:9090/api/v1/read" }),
      Code.NotFound,
      /cluster_id: unknown cluster "nowhere"/,
    ],
    [
      "duplicate target",
      () =>
        stack.client.addTarget({ clusterId: "edge-1", name: "k8s", endpoint: "http://p:9090/api/v1/read" }),
      Code.AlreadyExists,
      /name: target "k8s" already exists/,
    ],
    [
      "malformed URL",
      () =>
        stack.client.addTarget({ clusterId: "edge-1", name: "p2", endpoint: "prometheus 9090/api/v1/read" }),
      Code.InvalidArgument,
      /endpoint: .* is not a URL/,
    ],
    [
      "URL with another scheme",
      () => stack.client.addTarget({ clusterId: "edge-1", name: "p2", endpoint: "ftp://p/api/v1/read" }),
      Code.InvalidArgument,
      /endpoint: .* must use http or https/,
    ],
    [
      "bad target name",
      () =>
        stack.client.addTarget({ clusterId: "edge-1", name: "Bad_Name", endpoint: "http://p/api/v1/read" }),
      Code.InvalidArgument,
      /name: "Bad_Name" is not a DNS-1123 label/,
    ],
    [
      "start after end",
      () => stack.client.startImport({ clusterId: "edge-1", target: "k8s", start, end }),
      Code.InvalidArgument,
      /end: must be after start/,
    ],
    [
      "start equal to end",
      () => stack.client.startImport({ clusterId: "edge-1", target: "k8s", start, end: start }),
      Code.InvalidArgument,
      /end: must be after start/,
    ],
    [
      "missing start",
      () => stack.client.startImport({ clusterId: "edge-1", target: "k8s", end }),
      Code.InvalidArgument,
      /start: is required/,
    ],
    [
      "bad matcher",
      () =>
        stack.client.startImport({
          clusterId: "edge-1",
          target: "k8s",
          start: end,
          end: start,
          selectors: ['{job="a"', "up"],
        }),
      Code.InvalidArgument,
      /selectors\[0\]: /,
    ],
    [
      "matcher that selects everything",
      () =>
        stack.client.startImport({
          clusterId: "edge-1",
          target: "k8s",
          start: end,
          end: start,
          selectors: ['{job=~".*"}'],
        }),
      Code.InvalidArgument,
      /selectors\[0\]: /,
    ],
    [
      "unknown target",
      () => stack.client.startImport({ clusterId: "edge-1", target: "nope", start: end, end: start }),
      Code.NotFound,
      /target: no target "nope"/,
    ],
    [
      "stop without import",
      () => stack.client.stopImport({ clusterId: "edge-1", target: "k8s" }),
      Code.NotFound,
      /target: no import of "k8s"/,
    ],
    [
      "query without --query-url",
      () => stack.client.query({ clusterId: "edge-1", query: "up" }),
      Code.FailedPrecondition,
      /--query-url/,
    ],
  ])("rejects %s with a Connect error naming the field", async (_case, call, code, message) => {
    const error = await call().then(
      () => undefined,
      (e: unknown) => ConnectError.from(e),
    );
    expect(error).toBeDefined();
    expect(error && Code[error.code]).toBe(Code[code]);
    expect(error?.rawMessage).toMatch(message);
  });

  it("lists the connected cluster with its target count", async () => {
    const { clusters } = await stack.client.listClusters({});
    expect(clusters.map((c) => [c.id, c.connected, c.targets])).toEqual([["edge-1", true, 1]]);
  });

  it("edits and removes a target", async () => {
    const { client } = stack;
    await client.addTarget({ clusterId: "edge-1", name: "tmp", endpoint: "http://a:9090/api/v1/read" });
    const edited = await client.editTarget({
      clusterId: "edge-1",
      name: "tmp",
      endpoint: "https://b:9091/prom/api/v1/read",
      newName: "renamed",
    });
    expect([edited.target?.name, edited.target?.endpoint]).toEqual([
      "renamed",
      "https://b:9091/prom/api/v1/read",
    ]);
    await expect(client.getTarget({ clusterId: "edge-1", name: "tmp" })).rejects.toThrow(/no target "tmp"/);
    await client.removeTarget({ clusterId: "edge-1", name: "renamed" });
    const { targets } = await client.listTargets({ clusterId: "edge-1" });
    expect(targets.map((t) => t.name)).toEqual(["k8s"]);
  });

  it("reports per-cluster discovery errors without failing the call", async () => {
    const response = await stack.client.discover({ clusterIds: ["edge-1", "ghost"] });
    expect(response.errors.map((e) => [e.clusterId, e.code])).toEqual([
      ["edge-1", "failed_precondition"],
      ["ghost", "not_found"],
    ]);
  });
});
