import { createServer } from "node:net";

/**
 * A TCP port that was free a moment ago on `host` (default 127.0.0.1), found by binding port 0.
 * Another process may take it before the caller binds it; servers started here retry on
 * "address already in use".
 */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error(`no port bound on ${host}`))));
    });
  });
}
