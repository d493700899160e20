// `npm run bench -- --agents N`: N simulated agents (one process, each with its own real
// AgentLink Connect stream, answering commands as an agent does) on one gateway process;
// measures connecting them all, a broadcast Discover round trip, and the gateway's RSS and CPU.
const { setMaxListeners } = require("node:events");
const { mkdtemp, rm } = require("node:fs/promises");
const { tmpdir } = require("node:os");
const { join } = require("node:path");
const { create } = require("@bufbuild/protobuf");
const { anyPack, anyUnpack } = require("@bufbuild/protobuf/wkt");
const { createClient } = require("@connectrpc/connect");
const { createGrpcTransport, Http2SessionManager } = require("@connectrpc/connect-node");
const api = require("@ferry/api");
const { AsyncQueue } = require("@ferry/async-queue");
const { startGateway } = require("./ferry-processes");
const { memoryOf, cpuSecondsOf } = require("./process-stats");

const AGENTS_PER_CONNECTION = 50;

/** Sends `authorization: Bearer <token>` on every call. */
const bearer = (token) => (next) => (req) => {
  req.header.set("authorization", `Bearer ${token}`);
  return next(req);
};

/** One simulated agent: hello, then answers Discover with one target and heartbeats with heartbeats. */
function simulateAgent(client, clusterId, signal) {
  const outbox = new AsyncQueue();
  const send = (kind) => outbox.push(create(api.AgentMessageSchema, { kind }));
  send({ case: "hello", value: { clusterId, agentVersion: "bench" } });
  let onReady;
  const ready = new Promise((resolve) => {
    onReady = resolve;
  });
  const done = (async () => {
    for await (const message of client.connect(outbox, { signal })) {
      const kind = message.kind;
      if (kind.case === "welcome") onReady();
      else if (kind.case === "heartbeat")
        send({ case: "heartbeat", value: { sentAtMs: BigInt(Date.now()) } });
      else if (kind.case === "command") {
        const command = kind.value.body && anyUnpack(kind.value.body, api.ImportCommandSchema);
        const result = create(api.ImportCommandResultSchema, {
          result:
            command?.command.case === "discover"
              ? {
                  case: "discover",
                  value: {
                    targets: [
                      {
                        namespace: "monitoring",
                        name: "k8s",
                        remoteReadUrl: "http://prometheus-operated.monitoring.svc:9090/api/v1/read",
                      },
                    ],
                  },
                }
              : { case: undefined },
        });
        send({
          case: "reply",
          value: { commandId: kind.value.id, body: anyPack(api.ImportCommandResultSchema, result) },
        });
      }
    }
  })().catch(() => undefined);
  return { ready, done, close: () => outbox.close() };
}

async function runAgentsScale({ agents, rounds = 5 }) {
  const work = await mkdtemp(join(tmpdir(), "ferry-bench-agents-"));
  const gateway = await startGateway({
    dataDir: join(work, "gateway"),
    remoteWriteUrl: "http://127.0.0.1:9/api/v1/write",
    queryUrl: "http://127.0.0.1:9",
  });
  const abort = new AbortController();
  // Every simulated agent's stream listens on this one signal.
  setMaxListeners(0, abort.signal);
  const managers = [];
  const sims = [];
  try {
    const baseline = memoryOf(gateway.pid);
    const adminTransport = createGrpcTransport({
      baseUrl: gateway.url,
      interceptors: [bearer(gateway.adminToken)],
    });
    // Every agent enrolls with the same bootstrap token, all at once, as a fleet rollout would.
    const { secret } = await createClient(api.AdminService, adminTransport).createBootstrapToken({});
    const enrollStart = process.hrtime.bigint();
    const clusterIds = [];
    for (let i = 0; i < agents; i++) {
      if (i % AGENTS_PER_CONNECTION === 0) managers.push(new Http2SessionManager(gateway.url));
      clusterIds.push(`sim-${String(i).padStart(4, "0")}`);
    }
    const transportOf = (i, interceptors = []) =>
      createGrpcTransport({
        baseUrl: gateway.url,
        sessionManager: managers[Math.floor(i / AGENTS_PER_CONNECTION)],
        interceptors,
      });
    const credentials = await Promise.all(
      clusterIds.map(async (clusterId, i) => {
        const enroll = createClient(api.AgentLink, transportOf(i));
        return (await enroll.enroll({ bootstrapToken: secret, clusterId, agentVersion: "bench" })).credential;
      }),
    );
    const enrollSeconds = Number(process.hrtime.bigint() - enrollStart) / 1e9;

    const connectStart = process.hrtime.bigint();
    for (let i = 0; i < agents; i++) {
      const client = createClient(api.AgentLink, transportOf(i, [bearer(credentials[i])]));
      sims.push(simulateAgent(client, clusterIds[i], abort.signal));
    }
    await Promise.all(sims.map((s) => s.ready));
    const connectSeconds = Number(process.hrtime.bigint() - connectStart) / 1e9;

    const management = createClient(api.ImportService, adminTransport);
    const { clusters } = await management.listClusters({});
    const connected = clusters.filter((c) => c.connected).length;
    const cpuBefore = cpuSecondsOf(gateway.pid);
    const roundsMs = [];
    let entries = 0;
    let errors = 0;
    for (let r = 0; r < rounds; r++) {
      const t = process.hrtime.bigint();
      const answer = await management.discover({ timeoutMs: 10_000n });
      roundsMs.push(Number(process.hrtime.bigint() - t) / 1e6);
      entries = answer.entries.length;
      errors = answer.errors.length;
    }
    const cpuSeconds = cpuSecondsOf(gateway.pid) - cpuBefore;
    const memory = memoryOf(gateway.pid);
    const sorted = [...roundsMs].sort((a, b) => a - b);
    return {
      agents,
      connected,
      connections: managers.length,
      enrollSeconds,
      connectSeconds,
      discover: {
        rounds,
        entries,
        errors,
        medianMs: sorted[Math.floor(sorted.length / 2)],
        maxMs: sorted[sorted.length - 1],
        gatewayCpuSecondsPerRound: cpuSeconds / rounds,
      },
      gateway: {
        baselineRssBytes: baseline.rssBytes,
        rssBytes: memory.rssBytes,
        peakRssBytes: memory.peakRssBytes,
      },
    };
  } finally {
    for (const sim of sims) sim.close();
    abort.abort();
    for (const m of managers) m.abort();
    await gateway.proc.stop(5000);
    await rm(work, { recursive: true, force: true });
  }
}

function formatAgentsScale(r) {
  const mb = (b) => `${(b / 1048576).toFixed(0)} MB`;
  return [
    `agents: ${r.agents} enrolled with one bootstrap token in ${r.enrollSeconds.toFixed(2)} s; ${r.connected}/${r.agents} connected over ${r.connections} HTTP/2 connections in ${r.connectSeconds.toFixed(2)} s`,
    `broadcast Discover: median ${r.discover.medianMs.toFixed(0)} ms, max ${r.discover.maxMs.toFixed(0)} ms over ${r.discover.rounds} rounds (${r.discover.entries} entries, ${r.discover.errors} errors), gateway CPU ${r.discover.gatewayCpuSecondsPerRound.toFixed(2)} s a round`,
    `gateway RSS: ${mb(r.gateway.rssBytes)} now, ${mb(r.gateway.peakRssBytes)} peak (${mb(r.gateway.baselineRssBytes)} before agents)`,
  ].join("\n");
}

module.exports = { runAgentsScale, formatAgentsScale };

if (require.main === module) {
  const agents = Number(process.argv[2] ?? 1000);
  runAgentsScale({ agents }).then(
    (r) => {
      console.log(formatAgentsScale(r));
      console.log(JSON.stringify(r));
    },
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
