import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A pass-through in front of a sink that remembers which tenant each remote-write request
 * carried, so a test can prove the gateway set the header from the agent's identity.
 */
export class TenantRecorder {
  readonly tenants = new Map<string, number>();
  /** Holds every request this long before passing it on: a slow sink. */
  delayMs = 0;
  private readonly server: Server;
  url = "";

  constructor(
    private readonly upstream: string,
    private readonly header = "x-scope-orgid",
  ) {
    this.server = createServer((req, res) => {
      const tenant = String(req.headers[this.header] ?? "");
      this.tenants.set(tenant, (this.tenants.get(tenant) ?? 0) + 1);
      const parts: Buffer[] = [];
      req.on("data", (p: Buffer) => parts.push(p));
      req.on("end", async () => {
        if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) {
          if (typeof v === "string" && !["host", "content-length", "connection"].includes(k)) headers[k] = v;
        }
        fetch(this.upstream, { method: "POST", headers, body: Buffer.concat(parts) })
          .then(async (r) => {
            res.writeHead(r.status).end(Buffer.from(await r.arrayBuffer()));
          })
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
