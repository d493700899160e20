import { type ClientHttp2Stream, constants, type IncomingHttpHeaders } from "node:http2";
import { fromBinary } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { validateResponse, validateTrailer } from "@connectrpc/connect/protocol-grpc";
import type { Http2SessionManager } from "@connectrpc/connect-node";
import { type PushResponse, PushResponseSchema } from "@ferry/api";
import { type PushMessage, pushRequestHead } from "./push-request-head";

/** A PushResponse is a few dozen bytes; anything near this is not one. */
const MAX_RESPONSE_BYTES = 64 * 1024;

const REQUEST_HEADERS = {
  "content-type": "application/grpc+proto",
  te: "trailers",
  "user-agent": "ferry-agent",
};

/**
 * One unary gRPC `AgentLink/Push` call on the agent's HTTP/2 session, written by hand so the
 * payload goes out as the snappy output it is: connect-es would copy it into a `PushRequest`
 * buffer (`toBinary`) and again into an envelope, about 170 MB per 5.76 M-sample import,
 * and spend ~0.7 ms of CPU on each call. The answer is read as connect-es reads it: the
 * status from the trailers (or the headers of a trailers-only answer) with the same
 * validation, errors as ConnectError with their metadata (e.g. `retry-after-ms`), and a
 * stream reset or a network error mapped to the code connect-node gives it.
 */
export async function grpcPushCall(
  sessions: Http2SessionManager,
  path: string,
  headers: Record<string, string>,
  message: PushMessage,
  signal?: AbortSignal,
): Promise<PushResponse> {
  if (signal?.aborted) throw ConnectError.from(signal.reason, Code.Canceled);
  const head = pushRequestHead(message);
  let stream: ClientHttp2Stream;
  try {
    stream = await sessions.request("POST", path, { ...REQUEST_HEADERS, ...headers }, {});
  } catch (error) {
    throw errorFromNodeReason(error);
  }
  return new Promise<PushResponse>((resolve, reject) => {
    let header: Headers | undefined;
    let trailer: Headers | undefined;
    let localError: ConnectError | undefined;
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const settle = (error: ConnectError | undefined, answer?: PushResponse) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", onAbort);
      if (error) reject(error);
      else resolve(answer as PushResponse);
    };
    const fail = (error: ConnectError) => {
      settle(error);
      if (!stream.closed)
        stream.close(
          error.code === Code.Canceled ? constants.NGHTTP2_CANCEL : constants.NGHTTP2_INTERNAL_ERROR,
        );
    };
    const onAbort = () => fail(ConnectError.from(signal?.reason, Code.Canceled));
    signal?.addEventListener("abort", onAbort, { once: true });

    stream.on("response", (nodeHeaders) => {
      header = webHeaders(nodeHeaders);
      const status = Number(nodeHeaders[":status"] ?? 0);
      try {
        const { foundStatus, headerError } = validateResponse(status, header);
        if (headerError) throw headerError;
        // A trailers-only answer with status OK carries no PushResponse.
        if (foundStatus) throw new ConnectError("protocol error: no response message", Code.Internal);
      } catch (error) {
        fail(ConnectError.from(error));
      }
    });
    stream.on("data", (chunk: Buffer) => {
      received += chunk.length;
      sessions.notifyResponseByteRead(stream);
      if (received > MAX_RESPONSE_BYTES) {
        fail(
          new ConnectError(
            `protocol error: push answer over ${MAX_RESPONSE_BYTES} bytes`,
            Code.ResourceExhausted,
          ),
        );
        return;
      }
      chunks.push(chunk);
    });
    stream.on("trailers", (nodeTrailers) => {
      trailer = webHeaders(nodeTrailers);
    });
    stream.on("error", (error) => {
      // The gateway may answer (say, Unavailable) before it has read the whole payload; the
      // write that fails then must not hide the answer, which the close below reports.
      localError ??= errorFromNodeReason(error);
    });
    stream.on("close", () => {
      if (settled) return;
      try {
        if (trailer) {
          validateTrailer(trailer, header ?? new Headers());
          settle(undefined, decodeAnswer(Buffer.concat(chunks, received)));
          return;
        }
        // A reset says more than the error Node reports with it (REFUSED_STREAM: retry elsewhere).
        const reset = stream.rstCode !== undefined && stream.rstCode !== constants.NGHTTP2_NO_ERROR;
        throw reset ? errorFromResetCode(stream.rstCode) : (localError ?? errorFromResetCode(stream.rstCode));
      } catch (error) {
        settle(ConnectError.from(error));
      }
    });
    // Corked, the two go to nghttp2 in one writev, and the head shares a DATA frame with the payload.
    stream.cork();
    stream.write(head);
    stream.write(message.payload);
    stream.uncork();
    stream.end();
  });
}

/** The one length-prefixed PushResponse of a unary answer. */
function decodeAnswer(body: Buffer): PushResponse {
  if (body.length < 5) throw new ConnectError("protocol error: no response message", Code.Internal);
  if (body[0] !== 0) {
    throw new ConnectError(
      "protocol error: compressed response message without a negotiated encoding",
      Code.Internal,
    );
  }
  const length = body.readUInt32BE(1);
  if (body.length !== 5 + length) {
    throw new ConnectError(
      `protocol error: response of ${body.length} bytes, not one message of ${length}`,
      Code.Internal,
    );
  }
  return fromBinary(PushResponseSchema, body.subarray(5));
}

function webHeaders(nodeHeaders: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [key, value] of Object.entries(nodeHeaders)) {
    if (key.startsWith(":") || value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(key, v);
    else headers.append(key, String(value));
  }
  return headers;
}

/** connect-node's mapping of a stream's RST_STREAM code (`connectErrorFromH2ResetCode`). */
function errorFromResetCode(rstCode: number | undefined): ConnectError {
  const name = `http/2 stream closed with error code ${rstCode ?? "none"}`;
  switch (rstCode) {
    case constants.NGHTTP2_REFUSED_STREAM:
      return new ConnectError(name, Code.Unavailable);
    case constants.NGHTTP2_CANCEL:
      return new ConnectError(name, Code.Canceled);
    case constants.NGHTTP2_ENHANCE_YOUR_CALM:
      return new ConnectError(name, Code.ResourceExhausted);
    case constants.NGHTTP2_INADEQUATE_SECURITY:
    case constants.NGHTTP2_HTTP_1_1_REQUIRED:
      return new ConnectError(name, Code.PermissionDenied);
    case constants.NGHTTP2_NO_ERROR:
      return new ConnectError("protocol error: push answer ended without a status", Code.Internal);
    default:
      return new ConnectError(name, Code.Internal);
  }
}

/** connect-node's mapping of a Node error (`connectErrorFromNodeReason`). */
function errorFromNodeReason(reason: unknown): ConnectError {
  if (reason instanceof ConnectError) return reason;
  const codes = new Set<unknown>();
  for (let e: unknown = reason; e instanceof Error && codes.size < 10; e = e.cause) {
    codes.add((e as NodeJS.ErrnoException).code);
  }
  let code = Code.Internal;
  if (
    ["ERR_STREAM_WRITE_AFTER_END", "ERR_STREAM_DESTROYED", "ERR_HTTP2_INVALID_STREAM", "ECONNRESET"].some(
      (c) => codes.has(c),
    )
  ) {
    code = Code.Aborted;
  } else if (["ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED"].some((c) => codes.has(c))) {
    code = Code.Unavailable;
  }
  const error = ConnectError.from(reason, code);
  if (error !== reason) error.cause = reason;
  return error;
}
