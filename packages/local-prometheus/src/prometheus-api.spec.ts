import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { PrometheusApiError } from "./errors";
import { instantQuery } from "./prometheus-api";

const RACE = "cannot populate chunk 704643082 from block 00000000000000000000000000: not found";
const SUCCESS = { status: "success", data: { resultType: "vector", result: [] } };

/** A query API that answers each request with the next of `answers` (the last one repeats). */
async function serve(
  answers: { status: number; body: unknown }[],
): Promise<{ url: string; server: Server; asked: () => number }> {
  let asked = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const answer = answers[Math.min(asked++, answers.length - 1)]!;
      res.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, asked: () => asked };
}

const failure = (error: string) => ({
  status: 422,
  body: { status: "error", errorType: "execution", error },
});

describe("the query API client", () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it("asks again when a query raced a head compaction (prometheus#13115), and returns the answer", async () => {
    const api = await serve([failure(RACE), failure(RACE), { status: 200, body: SUCCESS }]);
    server = api.server;
    await expect(instantQuery(api.url, "up")).resolves.toEqual([]);
    expect(api.asked()).toBe(3);
  });

  it("gives up after three more tries, with the server's error", async () => {
    const api = await serve([failure(RACE)]);
    server = api.server;
    const error = await instantQuery(api.url, "up").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrometheusApiError);
    expect((error as PrometheusApiError).detail).toBe(RACE);
    expect(api.asked()).toBe(4);
  });

  it("does not ask again after any other error", async () => {
    const api = await serve([
      failure("query timed out in expression evaluation"),
      { status: 200, body: SUCCESS },
    ]);
    server = api.server;
    await expect(instantQuery(api.url, "up")).rejects.toThrow("query timed out");
    expect(api.asked()).toBe(1);
  });
});
