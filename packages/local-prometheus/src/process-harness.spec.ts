import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ProcessExitedError, ReadyTimeoutError } from "./errors";
import { freePort } from "./free-port";
import { spawnManaged, waitForHttpReady } from "./process-harness";

const node = process.execPath;

describe("spawnManaged", () => {
  it("keeps the tail of stdout and stderr", async () => {
    const p = spawnManaged({
      command: node,
      args: ["-e", "for (let i = 0; i < 50; i++) console.log('line ' + i); console.error('oops')"],
      logLines: 5,
    });
    expect(await p.exited).toEqual({ code: 0, signal: null });
    const lines = p.logs().split("\n");
    expect(lines).toHaveLength(5);
    expect(lines).toContain("oops");
    expect(lines.at(-1)).toMatch(/exited with code 0/);
  });

  it("stops with SIGTERM, and SIGKILLs what ignores it after the grace period", async () => {
    const polite = spawnManaged({ command: node, args: ["-e", "setInterval(() => {}, 1000)"] });
    expect(await polite.stop()).toEqual({ code: null, signal: "SIGTERM" });

    const stubborn = spawnManaged({
      command: node,
      args: ["-e", "process.on('SIGTERM', () => {}); console.log('armed'); setInterval(() => {}, 1000)"],
    });
    while (!stubborn.logs().includes("armed")) await sleep(10);
    const started = Date.now();
    expect(await stubborn.stop(300)).toEqual({ code: null, signal: "SIGKILL" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it("reports a command that cannot run in its exit and log", async () => {
    const p = spawnManaged({ command: "/nonexistent/ferry-binary", args: [] });
    expect(await p.exited).toEqual({ code: null, signal: null });
    expect(p.logs()).toMatch(/cannot run .*ENOENT/);
  });

  it.each(["exit", "SIGTERM"] as const)("kills its children when the parent ends by %s", async (how) => {
    // A parent node process that loads process-harness.ts through swc, starts a sleeper and ends.
    const script = `
      const swc = require("@swc/core");
      require.extensions[".ts"] = (m, file) => m._compile(swc.transformFileSync(file, {
        jsc: { target: "es2022", parser: { syntax: "typescript" } }, module: { type: "commonjs" },
      }).code, file);
      const { spawnManaged } = require(${JSON.stringify(join(__dirname, "process-harness.ts"))});
      const child = spawnManaged({ command: "sleep", args: ["300"] });
      console.log(child.pid);
      ${how === "exit" ? "setTimeout(() => process.exit(0), 50);" : "setInterval(() => {}, 1000);"}
    `;
    const parent = spawn(node, ["-e", script], {
      cwd: join(__dirname, "../../.."),
      stdio: ["ignore", "pipe", "inherit"],
    });
    const pid = await new Promise<number>((resolve) =>
      parent.stdout.once("data", (b: Buffer) => resolve(Number(String(b)))),
    );
    expect(isAlive(pid)).toBe(true);
    if (how === "SIGTERM") parent.kill("SIGTERM");
    await new Promise((resolve) => parent.once("exit", resolve));
    for (let i = 0; i < 50 && isAlive(pid); i++) await sleep(20);
    expect(isAlive(pid)).toBe(false);
  });
});

describe("waitForHttpReady", () => {
  let server: Server;
  afterEach(() => server?.close());

  it("waits until the URL answers 2xx", async () => {
    const port = await freePort();
    let calls = 0;
    server = createServer((_req, res) => {
      res.statusCode = ++calls < 3 ? 503 : 200;
      res.end();
    });
    server.listen(port, "127.0.0.1");
    await waitForHttpReady(`http://127.0.0.1:${port}/-/ready`, { timeoutMs: 5_000, intervalMs: 10 });
    expect(calls).toBe(3);
  });

  it("fails with the log tail when the process exits first", async () => {
    const p = spawnManaged({
      command: node,
      args: ["-e", "console.error('bind: address in use'); process.exit(3)"],
    });
    const port = await freePort();
    const waiting = waitForHttpReady(`http://127.0.0.1:${port}/`, { process: p, timeoutMs: 10_000 });
    await expect(waiting).rejects.toBeInstanceOf(ProcessExitedError);
    await expect(waiting).rejects.toThrow(/bind: address in use/);
  });

  it("times out", async () => {
    const port = await freePort();
    const waiting = waitForHttpReady(`http://127.0.0.1:${port}/`, { timeoutMs: 200 });
    await expect(waiting).rejects.toBeInstanceOf(ReadyTimeoutError);
  });
});

/** Running, that is: a killed child whose new parent has not reaped it yet (a zombie) counts as dead. */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}
