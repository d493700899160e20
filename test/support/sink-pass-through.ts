import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * An HTTP server in front of a sink's remote-write endpoint: each request is handed to `inspect`
 * (after `delay`, which may hold it back), then passed on unchanged and the sink's answer returned.
 */
export class SinkPassThrough {
  private readonly server: Server;
  url = "";

  constructor(
    upstream: string,
    inspect: (headers: IncomingHttpHeaders, body: Buffer) => void,
    delay: () => number = () => 0,
  ) {
    this.server = createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on("data", (p: Buffer) => parts.push(p));
      req.on("end", async () => {
        const body = Buffer.concat(parts);
        const ms = delay();
        if (ms > 0) await new Promise((r) => setTimeout(r, ms));
        inspect(req.headers, body);
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) {
          if (typeof v === "string" && !["host", "content-length", "connection"].includes(k)) headers[k] = v;
        }
        fetch(upstream, { method: "POST", headers, body })
          .then(async (r) => res.writeHead(r.status).end(Buffer.from(await r.arrayBuffer())))
          .catch((error: unknown) => res.writeHead(502).end(String(error)));
      });
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/v1/write`;
    return this.url;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
