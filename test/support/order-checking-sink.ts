import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { decodeWriteRequest, uncompressBlock } from "@ferry/prompb";

/**
 * A pass-through in front of a sink that checks what a strict receiver (Prometheus without an
 * out-of-order window) checks: every sample of a series is newer than the last one it got for
 * that series. It counts violations instead of refusing them, and holds each request a random
 * 0-`maxDelayMs` before passing it on, so requests sent at once may overtake each other.
 */
export class OrderCheckingSink {
  /** Samples that arrived at or before the newest one already received for their series. */
  outOfOrder = 0;
  samples = 0;
  maxDelayMs = 15;
  private readonly last = new Map<string, number>();
  private readonly server: Server;
  url = "";

  constructor(private readonly upstream: string) {
    this.server = createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on("data", (p: Buffer) => parts.push(p));
      req.on("end", async () => {
        const body = Buffer.concat(parts);
        await new Promise((r) => setTimeout(r, Math.random() * this.maxDelayMs));
        // Checked when the request is let through, as a receiver appends it.
        this.check(body);
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) {
          if (typeof v === "string" && !["host", "content-length", "connection"].includes(k)) headers[k] = v;
        }
        fetch(this.upstream, { method: "POST", headers, body })
          .then(async (r) => res.writeHead(r.status).end(Buffer.from(await r.arrayBuffer())))
          .catch((error: unknown) => res.writeHead(502).end(String(error)));
      });
    });
  }

  private check(compressed: Buffer): void {
    for (const series of decodeWriteRequest(uncompressBlock(compressed, 64 << 20))) {
      const key = JSON.stringify(series.labels);
      let last = this.last.get(key) ?? Number.NEGATIVE_INFINITY;
      for (const { timestampMs } of series.samples) {
        this.samples++;
        if (timestampMs <= last) this.outOfOrder++;
        else last = timestampMs;
      }
      this.last.set(key, last);
    }
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
