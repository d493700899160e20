// The gateway and the agent as separate `ferry` processes (as deployed), so each one's CPU time and
// peak RSS can be read from /proc; and the management CLI, run the way an operator would.
const { spawn } = require("node:child_process");
const { readFileSync } = require("node:fs");
const { join } = require("node:path");
const { setTimeout: sleep } = require("node:timers/promises");
const { spawnManaged } = require("@ferry/local-prometheus");

const FERRY = join(__dirname, "..", "..", "packages", "cli", "bin", "ferry.js");

/** The node flags of ferry.js's `#!/usr/bin/env -S node ...` line: processes run as installed. */
const FERRY_NODE_FLAGS = (() => {
  const first = readFileSync(FERRY, "utf8").split("\n", 1)[0];
  const m = /^#!\S*env -S node\b(.*)$/.exec(first);
  if (!m) throw new Error(`${FERRY} does not start with "#!/usr/bin/env -S node ...": ${first}`);
  return m[1].trim().split(/\s+/).filter(Boolean);
})();

function ferryEnv() {
  return { ...process.env, FERRY_LOG_LEVEL: process.env.FERRY_LOG_LEVEL ?? "info" };
}

async function waitForLog(proc, pattern, what, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = pattern.exec(proc.logs(200));
    if (m) return m;
    if (proc.exit) throw new Error(`${what} exited early:\n${proc.logs(30)}`);
    if (Date.now() > deadline) throw new Error(`${what} not ready after ${timeoutMs} ms:\n${proc.logs(30)}`);
    await sleep(50);
  }
}

// `nodeArgs` go before the script: Node 20 refuses --cpu-prof in NODE_OPTIONS.

/** Admin token of each gateway started here, by URL: ferryCli sends it as FERRY_TOKEN. */
const adminTokens = new Map();

/** `ferry gateway` on a free port; resolves with its URL and admin token once it listens. */
async function startGateway({ dataDir, remoteWriteUrl, queryUrl, nodeArgs = [] }) {
  const adminTokenFile = join(dataDir, "admin-token");
  const args = [...FERRY_NODE_FLAGS, ...nodeArgs, FERRY, "gateway", "--listen", "127.0.0.1:0"];
  args.push("--data-dir", dataDir);
  args.push("--remote-write-url", remoteWriteUrl, "--query-url", queryUrl);
  // h2c, as the yardsticks were measured; TLS costs are not what these benches look at.
  args.push("--plaintext");
  args.push("--admin-token-file", adminTokenFile);
  const proc = spawnManaged({ command: process.execPath, args, env: ferryEnv() });
  // pino logs the bound address as a JSON line on stderr.
  const [, url] = await waitForLog(proc, /"url":"(http:\/\/[^"]+)"/, "ferry gateway");
  const adminToken = readFileSync(adminTokenFile, "utf8").trim();
  adminTokens.set(url, adminToken);
  return { url, pid: proc.pid, proc, adminToken };
}

/** `ferry agent` dialing `gatewayUrl`; resolves once the gateway lists its cluster as connected. */
async function startAgent({ gatewayUrl, cluster, dataDir, nodeArgs = [] }) {
  const { secret } = await ferryJson(gatewayUrl, ["tokens", "create", "--cluster", cluster]);
  const args = [
    ...FERRY_NODE_FLAGS,
    ...nodeArgs,
    FERRY,
    "agent",
    "--gateway",
    gatewayUrl,
    "--cluster",
    cluster,
    "--data-dir",
    dataDir,
    "--bootstrap-token",
    secret,
  ];
  const proc = spawnManaged({ command: process.execPath, args, env: ferryEnv() });
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { clusters = [] } = await ferryJson(gatewayUrl, ["clusters"]);
    if (clusters.some((c) => c.id === cluster && c.connected)) break;
    if (proc.exit) throw new Error(`ferry agent exited early:\n${proc.logs(30)}`);
    if (Date.now() > deadline) throw new Error(`ferry agent did not connect:\n${proc.logs(30)}`);
    await sleep(100);
  }
  return { pid: proc.pid, proc };
}

const clis = new Set();
// A CLI left running (an interrupted bench) must not outlive the bench.
process.on("exit", () => {
  for (const child of clis) child.kill("SIGKILL");
});

/**
 * Runs the ferry CLI against `server`; resolves with its exit code, stdout and stderr.
 * `onStdout(text, child)` sees stdout as it arrives.
 */
function ferryCli(server, args, onStdout) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...FERRY_NODE_FLAGS, FERRY, "--server", server, ...args], {
      env: { ...ferryEnv(), FERRY_TOKEN: adminTokens.get(server) ?? "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    clis.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s) => {
      stdout += s;
      onStdout?.(stdout, child);
    });
    child.stderr.setEncoding("utf8").on("data", (s) => {
      stderr = (stderr + s).slice(-8192);
    });
    child.once("error", reject);
    child.once("close", (code, signal) => {
      clis.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

const FINAL_STATES = new Set(["IMPORT_STATE_COMPLETED", "IMPORT_STATE_FAILED", "IMPORT_STATE_CANCELED"]);

/**
 * `ferry import start --follow -o json`, ended by us once a line reports a final state: the CLI
 * (as of this writing) prints the final state but does not exit for a long while after it.
 * Resolves with the last import object seen.
 */
async function followImportStart(server, startArgs) {
  let last;
  let seen = 0;
  let stopping = false;
  const result = await ferryCli(server, [...startArgs, "--follow", "-o", "json"], (stdout, child) => {
    const lines = stdout.split("\n");
    for (; seen < lines.length - 1; seen++) {
      const imp = JSON.parse(lines[seen]).import;
      if (imp === undefined) continue;
      last = imp;
      if (FINAL_STATES.has(imp.state) && !stopping) {
        // SIGTERM may land while the CLI still listens for it (it then aborts, and hangs the same
        // way): SIGKILL shortly after.
        stopping = true;
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 1000).unref();
      }
    }
  });
  if (last === undefined || !FINAL_STATES.has(last.state)) {
    throw new Error(
      `ferry import start --follow ended (${result.code ?? result.signal}) before the import did: ${result.stderr.trim()}`,
    );
  }
  return last;
}

/** A management command with `-o json`; rejects unless it exits 0. */
async function ferryJson(server, args) {
  const { code, stdout, stderr } = await ferryCli(server, [...args, "-o", "json"]);
  if (code !== 0) throw new Error(`ferry ${args.join(" ")} exited ${code}: ${stderr.trim()}`);
  return JSON.parse(stdout);
}

/** Stops a ferry process with SIGTERM (it shuts down cleanly, writing a --cpu-prof profile). */
function stopFerry(handle) {
  return handle.proc.stop(15_000);
}

module.exports = {
  FERRY_NODE_FLAGS,
  startGateway,
  startAgent,
  ferryCli,
  ferryJson,
  followImportStart,
  stopFerry,
};
