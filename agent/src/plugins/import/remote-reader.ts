import { MatchType as M, type MatchType, type Selector, type SourceAuth } from "@ferry/api";
import {
  type BatchLimits,
  ChunkedReadDecoder,
  compressBlock,
  encodeReadRequest,
  MatcherType,
  type ReadQuery,
  ResponseType,
  spliceReadResponse,
  uncompressBlock,
  type WriteBatch,
} from "@ferry/prompb";
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
}

const MATCH_TYPES: Record<MatchType, MatcherType> = {
  [M.UNSPECIFIED]: MatcherType.EQ,
  [M.EQUAL]: MatcherType.EQ,
  [M.NOT_EQUAL]: MatcherType.NEQ,
  [M.REGEX]: MatcherType.RE,
  [M.NOT_REGEX]: MatcherType.NRE,
};

/**
 * Reads one window with the remote-read API, asking for streamed XOR chunks or samples
 * and using what the server picks, and hands the data on as write batches. Each batch
 * is awaited before more of the response is decoded, which is the pipeline's
 * backpressure.
 */
export class RemoteReader {
  constructor(private readonly options: RemoteReaderOptions) {}

  /** Sends the read request; the response is consumed later (so it can be requested ahead). */
  async open(window: TimeWindow, signal: AbortSignal): Promise<OpenedRead> {
    const { endpoint } = this.options;
    const request = compressBlock(
      encodeReadRequest(this.queries(window), [ResponseType.STREAMED_XOR_CHUNKS, ResponseType.SAMPLES]),
    );
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-protobuf",
          "Content-Encoding": "snappy",
          "X-Prometheus-Remote-Read-Version": "0.1.0",
          "User-Agent": "ferry-agent",
        },
        body: request,
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.options.timeoutMs)]),
      });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw new RemoteReadError(0, endpoint, describe(error));
    }
    if (!response.ok) {
      const text = (await response.text().catch(() => "")).trim().slice(0, 500);
      throw new RemoteReadError(response.status, endpoint, text);
    }
    const contentType = response.headers.get("content-type") ?? "";
    return {
      cancel: () => {
        response.body?.cancel().catch(() => undefined);
      },
      consume: async (onBatch) => {
        try {
          if (contentType.startsWith(STREAMED_CONTENT_TYPE))
            return await this.readStreamed(response, window, onBatch);
          return await this.readSamples(response, onBatch);
        } catch (error) {
          if (signal.aborted) throw signal.reason;
          if (error instanceof TypeError) throw new RemoteReadError(0, endpoint, describe(error));
          throw error;
        }
      },
    };
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
    response: Response,
    window: TimeWindow,
    onBatch: (b: WriteBatch) => Promise<void>,
  ): Promise<ReadResult> {
    const decoder = new ChunkedReadDecoder({
      minMs: window.startMs,
      maxMs: window.endMs,
      limits: this.options.limits,
    });
    let bytes = 0;
    if (response.body) {
      for await (const piece of response.body) {
        bytes += piece.length;
        for (const batch of decoder.write(piece)) await onBatch(batch);
      }
    }
    for (const batch of decoder.end()) await onBatch(batch);
    return { bytes, mode: "streamed" };
  }

  private async readSamples(
    response: Response,
    onBatch: (b: WriteBatch) => Promise<void>,
  ): Promise<ReadResult> {
    const compressed = new Uint8Array(await response.arrayBuffer());
    const body = uncompressBlock(compressed, this.options.maxResponseBytes);
    for (const batch of spliceReadResponse(body, this.options.limits)) await onBatch(batch);
    return { bytes: body.length, mode: "samples" };
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
    return `${error.message}${cause}`;
  }
  return String(error);
}
