import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { PushOutcome, type PushResponse, RejectReason } from "@ferry/api";
import { countWriteRequest, uncompressBlock } from "@ferry/prompb";
import type { Logger } from "pino";
import type { PushClient } from "./push-client";

export interface RemoteWriteProxyOptions {
  host: string;
  port: number;
  push: PushClient;
  logger: Logger;
  /** Largest compressed body accepted. */
  maxBodyBytes?: number;
  /** Largest decompressed WriteRequest accepted (snappy bombs). */
  maxDecodedBytes?: number;
  /** How long a request may wait for the gateway before Prometheus is told to retry (503). */
  pushTimeoutMs?: number;
}

export interface RemoteWriteStats {
  requests: number;
  samplesAccepted: number;
  samplesRejected: number;
}

/**
 * The cluster's Prometheus remote_writes live data here; each request is forwarded as it
 * is (still snappy-compressed) through the agent's Push path, so the tenant is this
 * agent's cluster. Nothing is buffered: the status Prometheus gets mirrors the sink's
 * (5xx or 503 makes Prometheus's own queue retry, 4xx makes it drop and count).
 */
export class RemoteWriteProxy {
  readonly stats: RemoteWriteStats = { requests: 0, samplesAccepted: 0, samplesRejected: 0 };
  private readonly server: Server;
  private readonly maxBodyBytes: number;
  private readonly maxDecodedBytes: number;
  private readonly pushTimeoutMs: number;

  constructor(private readonly options: RemoteWriteProxyOptions) {
    this.maxBodyBytes = options.maxBodyBytes ?? 32 * 1024 * 1024;
    this.maxDecodedBytes = options.maxDecodedBytes ?? 128 * 1024 * 1024;
    this.pushTimeoutMs = options.pushTimeoutMs ?? 30_000;
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        options.logger.error({ err: error }, "remote-write request failed");
        if (!res.headersSent) res.writeHead(500).end("internal error\n");
      });
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.options.port, this.options.host, () => resolve());
    });
    const address = this.server.address() as AddressInfo;
    const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}/api/v1/write`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "").split("?")[0];
    if (path !== "/api/v1/write" && path !== "/api/v1/push") {
      res.writeHead(404).end("not found: remote write goes to /api/v1/write\n");
      return;
    }
    if (req.method !== "POST") {
      res.writeHead(405, { Allow: "POST" }).end("method not allowed\n");
      return;
    }
    const encoding = req.headers["content-encoding"];
    if (encoding !== undefined && encoding !== "snappy") {
      res.writeHead(415).end(`unsupported content-encoding ${encoding}; remote write 1.0 uses snappy\n`);
      return;
    }
    const body = await readBody(req, this.maxBodyBytes);
    if (!body) {
      res.writeHead(413).end(`body larger than ${this.maxBodyBytes} bytes\n`);
      return;
    }
    let counts: { samples: number; histograms: number };
    try {
      counts = countWriteRequest(uncompressBlock(body, this.maxDecodedBytes));
    } catch (error) {
      res.writeHead(400).end(`malformed remote-write request: ${(error as Error).message}\n`);
      return;
    }
    this.stats.requests++;
    let answer: PushResponse;
    try {
      answer = await this.options.push.push(body, {
        samples: counts.samples,
        histograms: counts.histograms,
        importId: "",
        deadlineMs: Date.now() + this.pushTimeoutMs,
      });
    } catch (error) {
      res.writeHead(503).end(`gateway unavailable: ${(error as Error).message}\n`);
      return;
    }
    const total = counts.samples + counts.histograms;
    switch (answer.outcome) {
      case PushOutcome.ACCEPTED:
        this.stats.samplesAccepted += total;
        res.writeHead(204).end();
        return;
      case PushOutcome.TOO_LARGE:
        res.writeHead(413).end(`${answer.message}\n`);
        return;
      default:
        this.stats.samplesRejected += total;
        res
          .writeHead(Math.max(answer.sinkStatus, 400))
          .end(`rejected by the sink (${RejectReason[answer.reason] ?? "unknown"}): ${answer.message}\n`);
    }
  }
}

async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > maxBytes) return undefined;
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of req as AsyncIterable<Buffer>) {
    size += part.length;
    if (size > maxBytes) return undefined;
    parts.push(part);
  }
  return Buffer.concat(parts, size);
}
