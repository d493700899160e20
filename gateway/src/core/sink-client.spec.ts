import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { RejectReason } from "@ferry/api";
import { parseRetryAfter, SinkClient } from "./sink-client";

describe("SinkClient", () => {
  let server: Server;
  let url: string;
  let answer: { status: number; body: string; headers?: Record<string, string> };
  let seen: { tenant: string | undefined; encoding: string | undefined; body: Buffer } | undefined;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on("data", (p: Buffer) => parts.push(p));
      req.on("end", () => {
        seen = {
          tenant: req.headers["x-scope-orgid"] as string | undefined,
          encoding: req.headers["content-encoding"],
          body: Buffer.concat(parts),
        };
        res.writeHead(answer.status, answer.headers).end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/push`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const client = () =>
    new SinkClient({ remoteWriteUrl: url, tenantHeader: "X-Scope-OrgID", timeoutMs: 5000 });

  it("forwards the payload unchanged with the tenant header", async () => {
    answer = { status: 204, body: "" };
    const result = await client().write(new Uint8Array([1, 2, 3]), "prod-eu");
    expect(result).toEqual({ kind: "accepted", status: 204 });
    expect(seen?.tenant).toBe("prod-eu");
    expect(seen?.encoding).toBe("snappy");
    expect([...(seen?.body ?? [])]).toEqual([1, 2, 3]);
  });

  it("names the reason of a 400 from the sink", async () => {
    answer = { status: 400, body: "out of bounds" };
    const result = await client().write(new Uint8Array([1]), "t");
    expect(result).toMatchObject({ kind: "rejected", reason: RejectReason.OUT_OF_BOUNDS, status: 400 });
  });

  it("asks for a retry on 5xx and 429, honouring Retry-After", async () => {
    answer = { status: 429, body: "ingestion rate limit", headers: { "Retry-After": "2" } };
    expect(await client().write(new Uint8Array([1]), "t")).toMatchObject({
      kind: "retry",
      retryAfterMs: 2000,
    });
    answer = { status: 503, body: "down" };
    expect(await client().write(new Uint8Array([1]), "t")).toMatchObject({ kind: "retry", status: 503 });
  });

  it("says too_large on 413", async () => {
    answer = { status: 413, body: "request too large" };
    expect(await client().write(new Uint8Array([1]), "t")).toMatchObject({ kind: "too_large" });
  });

  it("asks for a retry when the sink is unreachable", async () => {
    const dead = new SinkClient({
      remoteWriteUrl: "http://127.0.0.1:1/x",
      tenantHeader: "X",
      timeoutMs: 1000,
    });
    expect(await dead.write(new Uint8Array([1]), "t")).toMatchObject({ kind: "retry", status: 0 });
  });

  it("parses Retry-After in both forms", () => {
    expect(parseRetryAfter("1.5")).toBe(1500);
    expect(
      parseRetryAfter("Wed, 21 Oct 2015 07:28:10 GMT", Date.parse("Wed, 21 Oct 2015 07:28:00 GMT")),
    ).toBe(10000);
    expect(parseRetryAfter("soon")).toBeUndefined();
  });
});
