import {
  constants,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
} from "node:http2";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { setTrailerStatus } from "@connectrpc/connect/protocol-grpc";
import {
  AgentLink,
  type PushRequest,
  PushRequestSchema,
  type PushResponse,
  PushResponseSchema,
} from "@ferry/api";
import type { AgentCredentials, AgentIdentity } from "./agent-credentials";
import { SESSION_HEADER } from "./forward-push";
import { bearerToken } from "./secret";

export const PUSH_PATH = `/${AgentLink.typeName}/${AgentLink.method.push.name}`;

/** gRPC's message prefix: a flags byte and the message length, big-endian. */
const PREFIX_BYTES = 5;

export interface GrpcPushRouteOptions {
  credentials: AgentCredentials;
  /** Largest request message read; a larger one is refused ResourceExhausted, as connect-node does. */
  maxMessageBytes: number;
  forward: (
    agent: AgentIdentity,
    sessionId: string,
    request: PushRequest,
    signal: AbortSignal,
  ) => Promise<PushResponse>;
}

/**
 * `AgentLink/Push` over gRPC on HTTP/2, served by hand in front of connect-node, which spends
 * about 0.7 ms of CPU on a unary call where answering it on the raw stream takes a fraction.
 * Same credential check (authorization: Bearer, before the body is read), same forwarding
 * (forwardPush), same answer: a PushResponse, or the error's code, message and metadata as
 * gRPC trailers. Anything else (Connect or gRPC-Web, a compressed message, HTTP/1.1) goes to
 * connect-node, so `serve` returns false for it.
 */
export function createGrpcPushRoute(options: GrpcPushRouteOptions) {
  return {
    serve(req: Http2ServerRequest, res: Http2ServerResponse): boolean {
      if (!isPlainGrpcPush(req)) return false;
      void servePush(options, req, res);
      return true;
    },
  };
}

function isPlainGrpcPush(req: Http2ServerRequest): boolean {
  if (req.httpVersionMajor !== 2 || req.method !== "POST" || req.url !== PUSH_PATH) return false;
  const contentType = req.headers["content-type"];
  if (contentType !== "application/grpc" && contentType !== "application/grpc+proto") return false;
  const encoding = req.headers["grpc-encoding"];
  return encoding === undefined || encoding === "identity";
}

async function servePush(
  options: GrpcPushRouteOptions,
  req: Http2ServerRequest,
  res: Http2ServerResponse,
): Promise<void> {
  const abort = new AbortController();
  // Only a push closed before its answer is aborted: the error is not built for every clean close.
  req.once("close", () => {
    if (!res.writableEnded) abort.abort(new ConnectError("agent closed the push", Code.Canceled));
  });
  req.on("error", () => undefined); // a reset by the agent: the close above aborts the push
  try {
    const agent = options.credentials.authenticate(bearerToken(header(req.headers, "authorization")));
    const message = await readMessage(req, options.maxMessageBytes);
    let request: PushRequest;
    try {
      request = fromBinary(PushRequestSchema, message);
    } catch (error) {
      throw new ConnectError(`PushRequest: not a valid message (${String(error)})`, Code.InvalidArgument);
    }
    const sessionId = header(req.headers, SESSION_HEADER) ?? "";
    answer(res, await options.forward(agent, sessionId, request, abort.signal));
  } catch (error) {
    answerError(req, res, ConnectError.from(error));
  }
}

function header(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name];
  return typeof value === "string" ? value : null;
}

/** The request's one length-prefixed message, its bytes as they arrived when in one chunk. */
async function readMessage(req: Http2ServerRequest, maxMessageBytes: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    received += chunk.length;
    if (received > PREFIX_BYTES + maxMessageBytes) {
      throw new ConnectError(
        `message size is larger than configured readMaxBytes ${maxMessageBytes}`,
        Code.ResourceExhausted,
      );
    }
    chunks.push(chunk);
  }
  const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, received);
  if (body.length < PREFIX_BYTES) {
    throw new ConnectError("protocol error: missing request message", Code.InvalidArgument);
  }
  if (body[0] !== 0) {
    throw new ConnectError("protocol error: compressed message without grpc-encoding", Code.InvalidArgument);
  }
  const length = body.readUInt32BE(1);
  if (body.length !== PREFIX_BYTES + length) {
    throw new ConnectError(
      `protocol error: request of ${body.length} bytes is not one message of ${length}`,
      Code.InvalidArgument,
    );
  }
  return body.subarray(PREFIX_BYTES);
}

function answer(res: Http2ServerResponse, response: PushResponse): void {
  if (res.stream.destroyed) return;
  const message = toBinary(PushResponseSchema, response);
  const envelope = Buffer.allocUnsafe(PREFIX_BYTES + message.length);
  envelope[0] = 0;
  envelope.writeUInt32BE(message.length, 1);
  envelope.set(message, PREFIX_BYTES);
  res.writeHead(200, { "content-type": "application/grpc+proto" });
  res.addTrailers({ "grpc-status": "0" });
  res.end(envelope);
}

/** A trailers-only answer (status, message and the error's metadata in the headers), as connect-node sends it. */
function answerError(req: Http2ServerRequest, res: Http2ServerResponse, error: ConnectError): void {
  if (res.stream.destroyed) return;
  const trailer = setTrailerStatus(new Headers(), error); // with the error's metadata
  const headers: OutgoingHttpHeaders = { ":status": 200, "content-type": "application/grpc+proto" };
  trailer.forEach((value, key) => {
    headers[key] = value;
  });
  // On the stream, not the compatibility response, which would follow with empty trailers.
  res.stream.respond(headers, { endStream: true });
  // Refused before the payload was read: tell the agent to stop sending (RST_STREAM NO_ERROR,
  // RFC 9113 §8.1); the answer goes out first.
  if (!req.readableEnded) res.stream.close(constants.NGHTTP2_NO_ERROR);
}
