// `node test/bench/rpc-cost.js`: the CPU a server spends on one empty unary gRPC call, through
// connect-node (as the gateway serves every RPC) and through bare node:http2 answering the same
// call by hand, to tell the framework's share of a small call from Node's own. The servers run in
// a child process with ferry's V8 flags; the client is @connectrpc/connect-node's gRPC transport.
const { fork } = require("node:child_process");
const http2 = require("node:http2");
const { FERRY_NODE_FLAGS } = require("./ferry-processes");
const { cpuSecondsOf } = require("./process-stats");

const WARMUP_CALLS = 500;
const MEASURED_CALLS = 3000;
const ROUNDS = 2;

/** In the child: serves ListImports with an empty answer, by connect-node or by hand. */
function serve(kind) {
  let handler;
  if (kind === "node:http2") {
    // A gRPC answer by hand: headers, an empty message (flag byte + zero length), grpc-status 0.
    handler = (req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "content-type": "application/grpc" });
        res.addTrailers({ "grpc-status": "0" });
        res.end(Buffer.alloc(5));
      });
    };
  } else {
    const { connectNodeAdapter } = require("@connectrpc/connect-node");
    const { ImportService } = require("@ferry/api");
    handler = connectNodeAdapter({
      routes: (router) => router.service(ImportService, { listImports: async () => ({}) }),
    });
  }
  const server = http2.createServer(handler);
  server.listen(0, "127.0.0.1", () => process.send(server.address().port));
}

async function measure(kind) {
  const { createClient } = require("@connectrpc/connect");
  const { createGrpcTransport, Http2SessionManager } = require("@connectrpc/connect-node");
  const { ImportService } = require("@ferry/api");
  const child = fork(__filename, ["serve", kind], { execArgv: FERRY_NODE_FLAGS });
  try {
    const port = await new Promise((resolve, reject) => {
      child.once("message", resolve);
      child.once("exit", (code) => reject(new Error(`${kind} server exited with ${code}`)));
    });
    const baseUrl = `http://127.0.0.1:${port}`;
    const sessionManager = new Http2SessionManager(baseUrl);
    const client = createClient(ImportService, createGrpcTransport({ baseUrl, sessionManager }));
    for (let i = 0; i < WARMUP_CALLS; i++) await client.listImports({});
    const cpuBefore = cpuSecondsOf(child.pid);
    const began = process.hrtime.bigint();
    for (let i = 0; i < MEASURED_CALLS; i++) await client.listImports({});
    const wallMs = Number(process.hrtime.bigint() - began) / 1e6;
    const cpuMs = (cpuSecondsOf(child.pid) - cpuBefore) * 1000;
    sessionManager.abort();
    return { kind, serverCpuMsPerCall: cpuMs / MEASURED_CALLS, wallMsPerCall: wallMs / MEASURED_CALLS };
  } finally {
    child.kill();
  }
}

async function main() {
  const kinds = ["node:http2", "connect-node"];
  for (let round = 1; round <= ROUNDS; round++) {
    const cpu = {};
    for (const kind of kinds) {
      const r = await measure(kind);
      cpu[kind] = r.serverCpuMsPerCall;
      process.stdout.write(
        `round ${round}  ${kind.padEnd(12)}  server CPU ${r.serverCpuMsPerCall.toFixed(3)} ms per call, ` +
          `wall ${r.wallMsPerCall.toFixed(3)} ms (${MEASURED_CALLS} calls after ${WARMUP_CALLS})\n`,
      );
    }
    const ratio = cpu["connect-node"] / cpu["node:http2"];
    process.stdout.write(`round ${round}  connect-node ÷ node:http2 server CPU: ${ratio.toFixed(2)}×\n`);
  }
}

if (process.argv[2] === "serve") serve(process.argv[3]);
else
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
