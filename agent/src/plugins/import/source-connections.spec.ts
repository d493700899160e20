import { SourceConnections } from "./source-connections";

const PLAIN = { rejectUnauthorized: true };
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("SourceConnections", () => {
  it("gives readers of one endpoint and TLS settings one pool, and others their own", () => {
    const connections = new SourceConnections();
    const a = connections.acquire("http://prometheus:9090/api/v1/read", PLAIN);
    const b = connections.acquire("http://prometheus:9090/api/v1/read", PLAIN);
    const otherEndpoint = connections.acquire("http://other:9090/api/v1/read", PLAIN);
    const insecure = connections.acquire("http://prometheus:9090/api/v1/read", { rejectUnauthorized: false });
    const rotatedCa = connections.acquire("http://prometheus:9090/api/v1/read", {
      rejectUnauthorized: true,
      ca: Buffer.from("-----BEGIN CERTIFICATE-----\n"),
    });

    expect(b.source).toBe(a.source);
    expect(new Set([a, otherEndpoint, insecure, rotatedCa].map((l) => l.source)).size).toBe(4);
    expect(connections.size).toBe(4);
    connections.close();
    expect(connections.size).toBe(0);
  });

  it("closes a pool only once no reader has held it for keepMs", async () => {
    const connections = new SourceConnections(30);
    const first = connections.acquire("http://prometheus:9090/api/v1/read", PLAIN);
    const second = connections.acquire("http://prometheus:9090/api/v1/read", PLAIN);
    first.release();
    first.release(); // a second release of one lease does not count twice
    await wait(60);
    expect(connections.size).toBe(1);

    second.release();
    await wait(10);
    // Taken again before it expired: the same pool, and its expiry is off.
    const third = connections.acquire("http://prometheus:9090/api/v1/read", PLAIN);
    expect(third.source).toBe(first.source);
    await wait(60);
    expect(connections.size).toBe(1);

    third.release();
    await wait(60);
    expect(connections.size).toBe(0);
  });
});
