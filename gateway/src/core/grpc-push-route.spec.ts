import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Http2Server, Http2ServerRequest, type Http2ServerResponse } from "node:http2";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError, type ConnectRouter, createClient } from "@connectrpc/connect";
import { connectNodeAdapter, createConnectTransport, Http2SessionManager } from "@connectrpc/connect-node";
import {
  AgentLink,
  PushOutcome,
  type PushRequest,
  PushRequestSchema,
  type PushResponse,
  PushResponseSchema,
} from "@ferry/api";
import * as grpc from "@grpc/grpc-js";
import { AgentCredentials, type AgentIdentity } from "./agent-credentials";
import { FileStore } from "./file-store";
import { createGrpcPushRoute, PUSH_PATH } from "./grpc-push-route";

const MAX_MESSAGE_BYTES = 1024 * 1024;

interface Forwarded {
  agent: AgentIdentity;
  sessionId: string;
  request: PushRequest;
}

describe("the hand-written gRPC Push route, called by @grpc/grpc-js", () => {
  let dir: string;
  let server: Http2Server;
  let address: string;
  let credential: string;
  let client: grpc.Client;
  let forwarded: Forwarded[];
  let viaConnect: number;
  let forward: (f: Forwarded) => Promise<PushResponse>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "ferry-push-route-"));
    const credentials = await AgentCredentials.load(await FileStore.open(dir));
    credential = await credentials.issue("cluster-a", "tok", "0.1.0");
    const route = createGrpcPushRoute({
      credentials,
      maxMessageBytes: MAX_MESSAGE_BYTES,
      forward: (agent, sessionId, request) => {
        const f = { agent, sessionId, request };
        forwarded.push(f);
        return forward(f);
      },
    });
    const connect = connectNodeAdapter({
      routes: (router: ConnectRouter) =>
        router.service(AgentLink, {
          push: () => {
            viaConnect++;
            return create(PushResponseSchema, { outcome: PushOutcome.ACCEPTED });
          },
        }),
    });
    server = createServer((req, res) => {
      if (req instanceof Http2ServerRequest && route.serve(req, res as Http2ServerResponse)) return;
      connect(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    client = new grpc.Client(address, grpc.credentials.createInsecure());
  });
  afterAll(async () => {
    client.close();
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    forwarded = [];
    viaConnect = 0;
    forward = async () => create(PushResponseSchema, { outcome: PushOutcome.ACCEPTED, sinkStatus: 204 });
  });

  function push(
    request: Uint8Array,
    headers: Record<string, string> = { authorization: `Bearer ${credential}`, "ferry-session": "s-1" },
  ): Promise<{ response?: PushResponse; error?: grpc.ServiceError }> {
    const metadata = new grpc.Metadata();
    for (const [key, value] of Object.entries(headers)) metadata.set(key, value);
    return new Promise((resolve) => {
      client.makeUnaryRequest(
        PUSH_PATH,
        (bytes: Uint8Array) => Buffer.from(bytes),
        (bytes: Buffer) => fromBinary(PushResponseSchema, bytes),
        request,
        metadata,
        (error, response) => resolve(error ? { error } : { response }),
      );
    });
  }

  const encode = (payload: Uint8Array) =>
    toBinary(PushRequestSchema, create(PushRequestSchema, { payload, samples: 7n, importId: "imp-1" }));

  it("forwards the agent's identity, session and request, and answers the PushResponse", async () => {
    const payload = Uint8Array.from({ length: 300_000 }, (_, i) => i & 0xff);
    const { response, error } = await push(encode(payload));
    expect(error).toBeUndefined();
    expect([response?.outcome, response?.sinkStatus]).toEqual([PushOutcome.ACCEPTED, 204]);
    expect(forwarded).toHaveLength(1);
    const [f] = forwarded;
    expect([f?.agent.clusterId, f?.sessionId, f?.request.samples, f?.request.importId]).toEqual([
      "cluster-a",
      "s-1",
      7n,
      "imp-1",
    ]);
    expect(Buffer.from(f?.request.payload ?? []).equals(Buffer.from(payload))).toBe(true);
    expect(viaConnect).toBe(0);
  });

  it("refuses a wrong credential before reading the payload, and forwards nothing", async () => {
    const big = encode(new Uint8Array(MAX_MESSAGE_BYTES - 100));
    const { error } = await push(big, {
      authorization: "Bearer 0123456789abcdef.nope",
      "ferry-session": "s-1",
    });
    expect(error?.code).toBe(grpc.status.UNAUTHENTICATED);
    expect((await push(big, {})).error?.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(forwarded).toHaveLength(0);
  });

  it("answers the forwarding's error with its code, message and metadata", async () => {
    forward = async () => {
      const error = new ConnectError("sink answered 429: slow down", Code.ResourceExhausted);
      error.metadata.set("retry-after-ms", "2500");
      throw error;
    };
    const { error } = await push(encode(new Uint8Array(10)));
    expect(error?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(decodeURIComponent(error?.details ?? "")).toBe("sink answered 429: slow down");
    expect(error?.metadata.get("retry-after-ms")).toEqual(["2500"]);
  });

  it("refuses a message over the limit with ResourceExhausted", async () => {
    const { error } = await push(encode(new Uint8Array(MAX_MESSAGE_BYTES + 10)));
    expect(error?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(forwarded).toHaveLength(0);
  });

  it("refuses bytes that are no PushRequest with InvalidArgument naming it", async () => {
    const { error } = await push(Uint8Array.of(0x0a, 0xff, 0xff, 0xff, 0x0f));
    expect(error?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(decodeURIComponent(error?.details ?? "")).toMatch(/^PushRequest: /);
    expect(forwarded).toHaveLength(0);
  });

  it("leaves a Connect-protocol Push to connect-node", async () => {
    const sessions = new Http2SessionManager(`http://${address}`);
    const connectClient = createClient(
      AgentLink,
      createConnectTransport({ baseUrl: `http://${address}`, httpVersion: "2", sessionManager: sessions }),
    );
    const response = await connectClient.push({ payload: new Uint8Array(4) }).finally(() => sessions.abort());
    expect(response.outcome).toBe(PushOutcome.ACCEPTED);
    expect(viaConnect).toBe(1);
    expect(forwarded).toHaveLength(0);
  });
});
