import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { PushOutcome, type PushResponse, RejectReason } from "@ferry/api";
import { countWriteRequest, uncompressBlock } from "@ferry/prompb";
import type { Logger } from "pino";
import type { AgentMetrics } from "./agent-metrics";
import type { PushClient } from "./push-client";

export interface RemoteWriteProxyOptions {
  host: string;
  port: number;
  push: PushClient;
  logger: Logger;
  metrics?: AgentMetrics;
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
      res
        .writeHead(415)
        .end(
          `unsupported content-encoding ${JSON.stringify(encoding.slice(0, 100))}; remote write uses snappy\n`,
        );
      return;
    }
    const unsupported = unsupportedContentType(req.headers["content-type"]);
    if (unsupported) {
      res.writeHead(415).end(`${unsupported}\n`);
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
      this.options.metrics?.remoteWritten("unavailable", 0);
      res.writeHead(503).end(`gateway unavailable: ${(error as Error).message}\n`);
      return;
    }
    const total = counts.samples + counts.histograms;
    switch (answer.outcome) {
      case PushOutcome.ACCEPTED:
        this.stats.samplesAccepted += total;
        this.options.metrics?.remoteWritten("accepted", total);
        res.writeHead(204).end();
        return;
      case PushOutcome.TOO_LARGE:
        this.options.metrics?.remoteWritten("too_large", total);
        res.writeHead(413).end(`${answer.message}\n`);
        return;
      default:
        this.stats.samplesRejected += total;
        this.options.metrics?.remoteWritten("rejected", total);
        res
          .writeHead(Math.max(answer.sinkStatus, 400))
          .end(`rejected by the sink (${RejectReason[answer.reason] ?? "unknown"}): ${answer.message}\n`);
    }
  }
}

/**
 * Why the body's type is not one this proxy forwards, or undefined. Remote write 1.0 is
 * `application/x-protobuf` (an absent type is taken as that); 2.0 adds `proto=io.prometheus.write.v2.Request`,
 * which the sink behind the gateway may not take, and the spec says to answer 415 so Prometheus falls back.
 */
function unsupportedContentType(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const [type = "", ...params] = header.split(";").map((p) => p.trim());
  if (type.toLowerCase() !== "application/x-protobuf") {
    return `unsupported content-type ${JSON.stringify(header.slice(0, 100))}; remote write uses application/x-protobuf`;
  }
  const proto = params.find((p) => p.toLowerCase().startsWith("proto="))?.slice("proto=".length);
  if (proto !== undefined && proto !== "prometheus.WriteRequest") {
    return `unsupported remote-write message ${JSON.stringify(proto.slice(0, 100))}; only prometheus.WriteRequest (remote write 1.0) is forwarded`;
  }
  return undefined;
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
