import { MetricsServer, type MetricsSource } from "./metrics-server";

describe("MetricsServer", () => {
  let server: MetricsServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("serves the source's text at /metrics with its content type, and 404 elsewhere", async () => {
    const source: MetricsSource = {
      contentType: "text/plain; version=0.0.4; charset=utf-8",
      metrics: async () => "ferry_up 1\n",
    };
    server = new MetricsServer(source);
    const url = await server.listen("127.0.0.1", 0);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);

    const ok = await fetch(`${url}?name[]=x`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toBe(source.contentType);
    expect(await ok.text()).toBe("ferry_up 1\n");

    const missing = await fetch(url.replace(/\/metrics$/, "/"));
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe("metrics are at /metrics\n");
  });

  it("answers 500 with the reason when collecting fails", async () => {
    server = new MetricsServer({
      contentType: "text/plain",
      metrics: () => Promise.reject(new Error("boom")),
    });
    const response = await fetch(await server.listen("127.0.0.1", 0));
    expect(response.status).toBe(500);
    expect(await response.text()).toBe("Error: boom");
  });

  it("rejects when the port is taken", async () => {
    server = new MetricsServer({ contentType: "text/plain", metrics: async () => "" });
    const url = new URL(await server.listen("127.0.0.1", 0));
    const second = new MetricsServer({ contentType: "text/plain", metrics: async () => "" });
    await expect(second.listen("127.0.0.1", Number(url.port))).rejects.toThrow(/EADDRINUSE/);
  });
});
