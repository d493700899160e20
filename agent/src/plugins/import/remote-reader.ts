import type { IncomingMessage } from "node:http";
import { MatchType as M, type MatchType, type Selector, type SourceAuth } from "@ferry/api";
import {
  type BatchLimits,
  ChunkedReadDecoder,
  compressBlock,
  encodeReadRequest,
  MalformedError,
  MatcherType,
  type ReadQuery,
  ResponseType,
  spliceReadResponse,
  uncompressBlock,
  type WriteBatch,
} from "@ferry/prompb";
import { HttpSource } from "./http-source";
import { coalesceReads } from "./read-coalescing";
import { SourceAuthError, SourceCredentials } from "./source-auth";
import type { SourceConnections, SourceLease } from "./source-connections";
import type { TimeWindow } from "./window-planner";

const STREAMED_CONTENT_TYPE = "application/x-streamed-protobuf";

/** The source answered a remote read with an HTTP error. */
export class RemoteReadError extends Error {
  readonly code = "remote_read_failed";
  constructor(
    readonly status: number,
    readonly endpoint: string,
    body: string,
  ) {
    super(
      `remote read from ${endpoint} failed${status ? ` with HTTP ${status}` : ""}: ${body || "no message"}`,
    );
  }

  /** 5xx, 429 and network failures (status 0) may succeed on a later try. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

export interface ReadResult {
  /** Uncompressed response bytes (streamed frames or decompressed SAMPLES body). */
  bytes: number;
  mode: "samples" | "streamed";
}

/** A read whose response has started to arrive; consume hands its data on as write batches. */
export interface OpenedRead {
  consume(onBatch: (b: WriteBatch) => Promise<void>): Promise<ReadResult>;
  /** Lets go of a response that will not be consumed. */
  cancel(): void;
}

export interface RemoteReaderOptions {
  endpoint: string;
  selectors: readonly Selector[];
  limits: BatchLimits;
  /** Largest decompressed SAMPLES response accepted. */
  maxResponseBytes: number;
  timeoutMs: number;
  /** Credentials and TLS settings of the target (files on this agent). */
  auth?: SourceAuth;
  /** Connection pools shared with other readers; without them the reader has a pool of its own. */
  connections?: SourceConnections;
}

const MATCH_TYPES: Record<MatchType, MatcherType> = {
  [M.UNSPECIFIED]: MatcherType.EQ,
  [M.EQUAL]: MatcherType.EQ,
  [M.NOT_EQUAL]: MatcherType.NEQ,
  [M.REGEX]: MatcherType.RE,
  [M.NOT_REGEX]: MatcherType.NRE,
};

/** The body of an HTTP error answer kept for the message; the rest is not read. */
const ERROR_BODY_BYTES = 4096;

/** TLS verification failures: a configuration problem, not one that a retry fixes. */
const TLS_VERIFY_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_UNTRUSTED",
  "CERT_SIGNATURE_FAILURE",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/**
 * Reads one window with the remote-read API, asking for streamed XOR chunks or samples
 * and using what the server picks, and hands the data on as write batches. Each batch
 * is awaited before more of the response is read, which is the pipeline's backpressure.
 */
export class RemoteReader {
  private readonly credentials: SourceCredentials;
  private source: Promise<SourceLease> | undefined;

  constructor(private readonly options: RemoteReaderOptions) {
    this.credentials = new SourceCredentials(options.auth);
  }

  /** Sends the read request; the response is consumed later (so it can be requested ahead). */
  async open(window: TimeWindow, signal: AbortSignal): Promise<OpenedRead> {
    const { endpoint } = this.options;
    const request = compressBlock(
      encodeReadRequest(this.queries(window), [ResponseType.STREAMED_XOR_CHUNKS, ResponseType.SAMPLES]),
    );
    if (signal.aborted) throw signal.reason;
    // Secrets and the CA are read before the clock starts: a missing file is a config error.
    const [source, auth] = await Promise.all([this.httpSource(), this.credentials.headers()]);
    const read = new ReadLifetime(endpoint, signal, this.options.timeoutMs);
    let response: IncomingMessage;
    try {
      response = await source.post(
        {
          ...auth,
          "Content-Type": "application/x-protobuf",
          "Content-Encoding": "snappy",
          "X-Prometheus-Remote-Read-Version": "0.1.0",
          "User-Agent": "ferry-agent",
        },
        request,
        read.signal,
      );
    } catch (error) {
      read.end();
      throw read.failure(error);
    }
    read.attach(response);
    const status = response.statusCode ?? 0;
    if (status < 200 || status > 299) {
      const text = await readErrorBody(response);
      read.end();
      const location = response.headers.location;
      const detail = status >= 300 && status < 400 && location ? `redirected to ${location}` : text;
      throw new RemoteReadError(status, endpoint, detail);
    }
    const contentType = response.headers["content-type"] ?? "";
    return {
      cancel: () => read.end(),
      consume: async (onBatch) => {
        try {
          if (contentType.startsWith(STREAMED_CONTENT_TYPE))
            return await this.readStreamed(response, read, window, onBatch);
          return await this.readSamples(response, read, onBatch);
        } catch (error) {
          if (signal.aborted) throw signal.reason;
          throw error;
        } finally {
          read.end();
        }
      },
    };
  }

  /** Lets go of the reader's connections: closes its own pool, or releases the shared one. */
  close(): void {
    void this.source?.then(
      (lease) => lease.release(),
      () => undefined,
    );
  }

  private async httpSource(): Promise<HttpSource> {
    const { endpoint, connections } = this.options;
    this.source ??= (
      endpoint.startsWith("https:") ? this.credentials.tls() : Promise.resolve({ rejectUnauthorized: true })
    ).then((tls) => {
      if (connections) return connections.acquire(endpoint, tls);
      const source = new HttpSource(endpoint, tls);
      return { source, release: () => source.close() };
    });
    return (await this.source).source;
  }

  private queries(window: TimeWindow): ReadQuery[] {
    const selectors = this.options.selectors.length > 0 ? this.options.selectors : [undefined];
    return selectors.map((selector) => ({
      startMs: window.startMs,
      endMs: window.endMs,
      matchers: selector
        ? selector.matchers.map((m) => ({ type: MATCH_TYPES[m.type], name: m.name, value: m.value }))
        : [{ type: MatcherType.RE, name: "__name__", value: ".+" }],
    }));
  }

  private async readStreamed(
    response: IncomingMessage,
    read: ReadLifetime,
    window: TimeWindow,
    onBatch: (b: WriteBatch) => Promise<void>,
  ): Promise<ReadResult> {
    const decoder = new ChunkedReadDecoder({
      minMs: window.startMs,
      maxMs: window.endMs,
      limits: this.options.limits,
    });
    const pieces = response[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    const endCoalescing = response.socket ? coalesceReads(response.socket) : () => undefined;
    let bytes = 0;
    try {
      for (;;) {
        const next = await read.next(pieces);
        if (next.done) break;
        bytes += next.value.length;
        await handOn(decoder.write(next.value), onBatch);
      }
    } finally {
      endCoalescing();
    }
    await handOn(decoder.end(), onBatch);
    return { bytes, mode: "streamed" };
  }

  private async readSamples(
    response: IncomingMessage,
    read: ReadLifetime,
    onBatch: (b: WriteBatch) => Promise<void>,
  ): Promise<ReadResult> {
    const { maxResponseBytes } = this.options;
    // The longest snappy block that can hold maxResponseBytes (snappy's MaxEncodedLen).
    const maxCompressed = 32 + maxResponseBytes + Math.ceil(maxResponseBytes / 6);
    const pieces = response[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    const parts: Buffer[] = [];
    let total = 0;
    for (;;) {
      const next = await read.next(pieces);
      if (next.done) break;
      parts.push(next.value);
      total += next.value.length;
      if (total > maxCompressed) {
        throw new MalformedError(
          `a SAMPLES response longer than ${maxCompressed} bytes is not a valid block`,
        );
      }
    }
    const compressed = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, total);
    const body = uncompressBlock(compressed, maxResponseBytes);
    await handOn(spliceReadResponse(body, this.options.limits), onBatch);
    return { bytes: body.length, mode: "samples" };
  }
}

/**
 * Hands each batch on in order, dropping the list's hold on it first: the writer keeps only a
 * compressed copy, and the body should not outlive the call waiting for a free write slot.
 */
async function handOn(batches: WriteBatch[], onBatch: (b: WriteBatch) => Promise<void>): Promise<void> {
  for (let batch = batches.shift(); batch !== undefined; batch = batches.shift()) await onBatch(batch);
}

/**
 * One request's lifetime: it ends when the import is stopped, when the timeout passes (from
 * the request until the response is consumed, as fetch's signal did), or when the reader
 * lets go; the response is destroyed then, so its connection never lingers half-read.
 */
class ReadLifetime {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private response: IncomingMessage | undefined;
  private timedOut = false;
  private ended = false;

  constructor(
    private readonly endpoint: string,
    private readonly importSignal: AbortSignal,
    private readonly timeoutMs: number,
  ) {
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.stop(new Error(`no complete answer within ${timeoutMs} ms`));
    }, timeoutMs);
    this.timer.unref();
    importSignal.addEventListener("abort", this.onImportAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  attach(response: IncomingMessage): void {
    this.response = response;
    if (this.controller.signal.aborted) response.destroy();
  }

  /** The next piece of the body; a failure of the transfer becomes a RemoteReadError. */
  async next(pieces: AsyncIterator<Buffer>): Promise<IteratorResult<Buffer>> {
    try {
      return await pieces.next();
    } catch (error) {
      throw this.failure(error);
    }
  }

  /** Lets go: stops the timer and destroys a response not read to its end. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.timer);
    this.importSignal.removeEventListener("abort", this.onImportAbort);
    const response = this.response;
    if (response && !response.complete) response.destroy();
  }

  /** What a failed transfer should throw: the import's stop reason, a timeout, or the network error. */
  failure(error: unknown): unknown {
    if (this.importSignal.aborted) return this.importSignal.reason;
    if (error instanceof SourceAuthError) return error;
    if (this.timedOut)
      return new RemoteReadError(0, this.endpoint, `no complete answer within ${this.timeoutMs} ms`);
    const code = (error as NodeJS.ErrnoException | undefined)?.code ?? "";
    if (TLS_VERIFY_CODES.has(code)) {
      return new SourceAuthError(
        "auth.ca_file",
        `the certificate of ${this.endpoint} was not accepted (${describe(error)}); give the CA that signed it, or set insecure_skip_verify`,
      );
    }
    if (code === "ERR_INVALID_CHAR" || code === "ERR_INVALID_HTTP_TOKEN") {
      return new SourceAuthError("auth.headers", `a header cannot be sent: ${describe(error)}`);
    }
    return new RemoteReadError(0, this.endpoint, describe(error));
  }

  private stop(reason: Error): void {
    this.controller.abort(reason);
    this.response?.destroy();
  }

  private readonly onImportAbort = () => this.stop(new Error("import stopped"));
}

async function readErrorBody(response: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  let total = 0;
  try {
    for await (const piece of response as AsyncIterable<Buffer>) {
      parts.push(piece);
      total += piece.length;
      if (total >= ERROR_BODY_BYTES) break;
    }
  } catch {
    // The status says enough.
  }
  return Buffer.concat(parts).toString("utf8").trim().slice(0, 500);
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
    return `${error.message}${cause}`;
  }
  return String(error);
}
