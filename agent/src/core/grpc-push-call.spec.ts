import { constants, createServer, type Http2Server, type ServerHttp2Stream } from "node:http2";
import type { AddressInfo } from "node:net";
import { create, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError, type ConnectRouter } from "@connectrpc/connect";
import { connectNodeAdapter, Http2SessionManager } from "@connectrpc/connect-node";
import { AgentLink, PushOutcome, type PushRequest, PushResponseSchema, RejectReason } from "@ferry/api";
import { grpcPushCall } from "./grpc-push-call";

const PATH = "/ferry.v1.AgentLink/Push";

async function listen(server: Http2Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function close(server: Http2Server, sessions: Http2SessionManager): Promise<void> {
  sessions.abort();
  return new Promise((resolve) => server.close(() => resolve()));
}

const message = (size = 100_000) => ({
  payload: Uint8Array.from({ length: size }, (_, i) => i & 0xff),
  samples: 40_000,
  histograms: 3,
  importId: "imp-1",
});

async function rejection(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof ConnectError) return error;
    throw error;
  }
  throw new Error("the push was answered");
}

describe("grpcPushCall against a connect-node server", () => {
  let server: Http2Server;
  let sessions: Http2SessionManager;
  let received: Array<{ request: PushRequest; authorization: string | null; session: string | null }>;
  let answer: (request: PushRequest) => ReturnType<typeof create<typeof PushResponseSchema>>;

  beforeAll(async () => {
    const routes = (router: ConnectRouter) =>
      router.service(AgentLink, {
        push: (request, ctx) => {
          received.push({
            request,
            authorization: ctx.requestHeader.get("authorization"),
            session: ctx.requestHeader.get("ferry-session"),
          });
          return answer(request);
        },
      });
    server = createServer(connectNodeAdapter({ routes, readMaxBytes: 64 * 1024 * 1024 }));
    sessions = new Http2SessionManager(await listen(server));
  });
  afterAll(() => close(server, sessions));
  beforeEach(() => {
    received = [];
    answer = () => create(PushResponseSchema, { outcome: PushOutcome.ACCEPTED, sinkStatus: 204 });
  });

  it("delivers the payload and fields as a PushRequest, with the headers, and reads the answer", async () => {
    const sent = message(3 * 1024 * 1024);
    const headers = { authorization: "Bearer cred", "ferry-session": "s-1" };
    const response = await grpcPushCall(sessions, PATH, headers, sent);
    expect(response.outcome).toBe(PushOutcome.ACCEPTED);
    expect(response.sinkStatus).toBe(204);
    expect(received).toHaveLength(1);
    const [got] = received;
    expect(got?.authorization).toBe("Bearer cred");
    expect(got?.session).toBe("s-1");
    expect(Buffer.from(got?.request.payload ?? []).equals(Buffer.from(sent.payload))).toBe(true);
    expect([got?.request.samples, got?.request.histograms, got?.request.importId]).toEqual([
      40_000n,
      3n,
      "imp-1",
    ]);
  });

  it("reads a rejection's reason and message", async () => {
    answer = () =>
      create(PushResponseSchema, {
        outcome: PushOutcome.REJECTED,
        reason: RejectReason.OUT_OF_ORDER,
        sinkStatus: 400,
        message: "out of order sample",
      });
    const response = await grpcPushCall(sessions, PATH, {}, message());
    expect([response.outcome, response.reason, response.message]).toEqual([
      PushOutcome.REJECTED,
      RejectReason.OUT_OF_ORDER,
      "out of order sample",
    ]);
  });

  it("throws the handler's error with its code, message and metadata", async () => {
    answer = () => {
      const error = new ConnectError("push limit: wait", Code.ResourceExhausted);
      error.metadata.set("retry-after-ms", "1500");
      throw error;
    };
    const error = await rejection(grpcPushCall(sessions, PATH, {}, message()));
    expect(error.code).toBe(Code.ResourceExhausted);
    expect(error.rawMessage).toBe("push limit: wait");
    expect(error.metadata.get("retry-after-ms")).toBe("1500");
  });

  it("is Unimplemented on a path the server does not serve", async () => {
    const error = await rejection(grpcPushCall(sessions, "/ferry.v1.Nope/Push", {}, message()));
    expect(error.code).toBe(Code.Unimplemented);
  });
});

describe("grpcPushCall against a misbehaving server", () => {
  let server: Http2Server;
  let sessions: Http2SessionManager;
  let behave: (stream: ServerHttp2Stream) => void;

  const okMessage = () => {
    const body = toBinary(PushResponseSchema, create(PushResponseSchema, { outcome: PushOutcome.ACCEPTED }));
    const envelope = Buffer.alloc(5 + body.length);
    envelope.writeUInt32BE(body.length, 1);
    envelope.set(body, 5);
    return envelope;
  };

  beforeAll(async () => {
    server = createServer();
    server.on("stream", (stream) => {
      stream.on("error", () => undefined);
      behave(stream);
    });
    sessions = new Http2SessionManager(await listen(server));
  });
  afterAll(() => close(server, sessions));
  it("maps an HTTP 503 without a gRPC status to Unavailable", async () => {
    behave = (stream) => {
      stream.respond({ ":status": 503 });
      stream.end();
    };
    expect((await rejection(grpcPushCall(sessions, PATH, {}, message()))).code).toBe(Code.Unavailable);
  });

  it("maps a refused stream to Unavailable, as connect-node does", async () => {
    behave = (stream) => stream.close(constants.NGHTTP2_REFUSED_STREAM);
    expect((await rejection(grpcPushCall(sessions, PATH, {}, message()))).code).toBe(Code.Unavailable);
  });

  it("is Internal when the answer ends without a status", async () => {
    behave = (stream) => {
      stream.respond({ ":status": 200, "content-type": "application/grpc" });
      stream.end(okMessage());
    };
    const error = await rejection(grpcPushCall(sessions, PATH, {}, message()));
    expect(error.code).toBe(Code.Internal);
    expect(error.rawMessage).toMatch(/without a status/);
  });

  it("is Internal when the answer is compressed without an agreed encoding", async () => {
    behave = (stream) => {
      stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
      stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
      const envelope = okMessage();
      envelope[0] = 1;
      stream.end(envelope);
    };
    const error = await rejection(grpcPushCall(sessions, PATH, {}, message()));
    expect(error.code).toBe(Code.Internal);
    expect(error.rawMessage).toMatch(/compressed/);
  });

  it("reads an answer sent before the payload was read, and a trailers-only error", async () => {
    behave = (stream) => {
      stream.respond(
        {
          ":status": 200,
          "content-type": "application/grpc",
          "grpc-status": "14",
          "grpc-message": "session gone",
        },
        { endStream: true },
      );
    };
    const error = await rejection(grpcPushCall(sessions, PATH, {}, message(4 * 1024 * 1024)));
    expect(error.code).toBe(Code.Unavailable);
    expect(error.rawMessage).toBe("session gone");
  });

  it("cancels the stream when the signal aborts, and rejects with Canceled", async () => {
    const closedWith = new Promise<number>((resolve) => {
      behave = (stream) => {
        stream.on("close", () => resolve(stream.rstCode));
        stream.resume();
        stream.respond({ ":status": 200, "content-type": "application/grpc" });
      };
    });
    const abort = new AbortController();
    const call = grpcPushCall(sessions, PATH, {}, message(), abort.signal);
    setTimeout(() => abort.abort(), 50);
    expect((await rejection(call)).code).toBe(Code.Canceled);
    expect(await closedWith).toBe(constants.NGHTTP2_CANCEL);
  });

  it("refuses an answer far larger than any PushResponse", async () => {
    behave = (stream) => {
      stream.respond({ ":status": 200, "content-type": "application/grpc" });
      stream.write(Buffer.alloc(200 * 1024));
    };
    expect((await rejection(grpcPushCall(sessions, PATH, {}, message()))).code).toBe(Code.ResourceExhausted);
  });
});
