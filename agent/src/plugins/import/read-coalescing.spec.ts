import { once } from "node:events";
import http from "node:http";
import net, { type AddressInfo, type Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { coalesceReads } from "./read-coalescing";

const PIECES = 40;
const PIECE = 100;

/** A server answering each request with PIECES chunks of PIECE bytes, 5 ms apart: a trickle. */
async function startTrickle(): Promise<{ url: string; server: http.Server }> {
  const server = http.createServer(async (req, res) => {
    req.resume();
    await once(req, "end");
    for (let i = 0; i < PIECES; i++) {
      res.write(Buffer.alloc(PIECE, i));
      await sleep(5);
    }
    // The end of the body (the last chunk's header) as a small read of its own.
    await sleep(20);
    res.end();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** Records the socket handle's readStop/readStart calls until `restore`. */
function spyOnHandle(socket: Socket) {
  const handle = (socket as unknown as { _handle: { readStop: () => number; readStart: () => number } })
    ._handle;
  const calls: string[] = [];
  const { readStop, readStart } = handle;
  handle.readStop = () => {
    calls.push("stop");
    return readStop.call(handle);
  };
  handle.readStart = () => {
    calls.push("start");
    return readStart.call(handle);
  };
  return {
    calls,
    restore: () => {
      handle.readStop = readStop;
      handle.readStart = readStart;
    },
  };
}

/** GETs `url` over `agent`; counts the socket's reads while the body arrives, coalesced or not. */
async function fetchBody(
  url: string,
  agent: http.Agent,
  coalesce: boolean,
  smallReadBytes = 16 * 1024,
  pauseMs = 60,
) {
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
    http.get(url, { agent }, resolve).on("error", reject);
  });
  const socket = res.socket as Socket;
  let reads = 0;
  const spy = spyOnHandle(socket);
  const countRead = () => reads++;
  socket.on("data", countRead);
  const end = coalesce ? coalesceReads(socket, { smallReadBytes, pauseMs }) : () => undefined;
  const parts: Buffer[] = [];
  try {
    for await (const piece of res) parts.push(piece as Buffer);
  } finally {
    end();
    socket.off("data", countRead);
    spy.restore();
  }
  return { body: Buffer.concat(parts), reads, stops: spy.calls.filter((c) => c === "stop").length };
}

describe("coalesceReads", () => {
  let trickle: { url: string; server: http.Server };
  let agent: http.Agent;

  beforeAll(async () => {
    trickle = await startTrickle();
  });
  beforeEach(() => {
    agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  });
  afterEach(() => agent.destroy());
  afterAll(() => trickle.server.close());

  const expected = Buffer.concat(Array.from({ length: PIECES }, (_, i) => Buffer.alloc(PIECE, i)));

  it("reads a trickling body in far fewer reads, byte for byte", async () => {
    const plain = await fetchBody(`${trickle.url}/`, agent, false);
    const coalesced = await fetchBody(`${trickle.url}/`, agent, true);
    expect(plain.body.equals(expected)).toBe(true);
    expect(coalesced.body.equals(expected)).toBe(true);
    // 40 writes 5 ms apart: one read each when read at once, a few with 60 ms pauses.
    expect(coalesced.stops).toBeGreaterThan(0);
    expect(coalesced.reads * 3).toBeLessThan(plain.reads);
  });

  it("leaves the pooled socket reading again: the next request on it is answered", async () => {
    // Only the body's last read, the final chunk "0\r\n\r\n" (5 bytes), counts as small, and its
    // pause outlasts the test: only ending the coalescing can resume the socket.
    const first = await fetchBody(`${trickle.url}/`, agent, true, 6, 600_000);
    const second = await fetchBody(`${trickle.url}/`, agent, false);
    expect(first.body.equals(expected)).toBe(true);
    expect(first.stops).toBeGreaterThan(0);
    expect(second.body.equals(expected)).toBe(true);
  });

  it("pauses once after a small read, never after a large one, and resumes when ended", async () => {
    const server = net.createServer((s) => s.resume());
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const socket = net.connect((server.address() as AddressInfo).port, "127.0.0.1");
    await once(socket, "connect");
    const { calls, restore } = spyOnHandle(socket);
    try {
      const end = coalesceReads(socket, { smallReadBytes: 1000, pauseMs: 60_000 });
      socket.emit("data", Buffer.alloc(1000));
      expect(calls).toEqual([]);
      socket.emit("data", Buffer.alloc(999));
      socket.emit("data", Buffer.alloc(10));
      expect(calls).toEqual(["stop"]);
      end();
      expect(calls).toEqual(["stop", "start"]);
      socket.emit("data", Buffer.alloc(10));
      expect(calls).toEqual(["stop", "start"]);
    } finally {
      restore();
      socket.destroy();
      server.close();
    }
  });
});
