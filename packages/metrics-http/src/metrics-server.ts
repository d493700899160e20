import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** What the server needs of a prom-client Registry (kept structural: no prom-client here). */
export interface MetricsSource {
  metrics(): Promise<string>;
  readonly contentType: string;
}

/**
 * Serves GET /metrics over HTTP/1.1 from one registry: the gateway's own port speaks only
 * HTTP/2, and the agent has no port of its own.
 */
export class MetricsServer {
  private readonly server: Server;

  constructor(source: MetricsSource) {
    this.server = createServer((req, res) => {
      if (req.url?.split("?")[0] !== "/metrics") {
        res.writeHead(404).end("metrics are at /metrics\n");
        return;
      }
      source.metrics().then(
        (text) => res.writeHead(200, { "Content-Type": source.contentType }).end(text),
        (error: unknown) => res.writeHead(500).end(String(error)),
      );
    });
  }

  /** Listens on HOST:PORT (port 0 picks a free one) and returns the URL of /metrics. */
  async listen(host: string, port: number): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    const address = this.server.address() as AddressInfo;
    return `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}/metrics`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
