// One Ferry deployment for a bench: a fresh sink, the gateway and the agent as their own
// processes, and a management API client; and the measurement of one import through it (the CPU
// each process spent over the call, the import's own duration from the gateway's timestamps).
const { join } = require("node:path");
const { ferryJson, followImportStart, startAgent, startGateway, stopFerry } = require("./ferry-processes");
const { cpuSecondsOf } = require("./process-stats");
const { importApi } = require("./import-over-api");
const { startSink } = require("./sinks");

const CLUSTER = "bench";

/** Starts sink, gateway and agent under `work`; `stop` stops all three (teardown does too). */
async function startFerryStack({ sinkKind, work, teardown, cpuProfDir }) {
  const nodeArgs = cpuProfDir ? ["--cpu-prof", `--cpu-prof-dir=${cpuProfDir}`] : [];
  const sink = await startSink(sinkKind, join(work, "sink"));
  const stopSink = teardown.add("ferry sink", () => sink.server.stop());
  const gateway = await startGateway({
    dataDir: join(work, "gateway"),
    remoteWriteUrl: sink.remoteWriteUrl,
    queryUrl: sink.url,
    nodeArgs,
  });
  const stopGateway = teardown.add("ferry gateway", () => stopFerry(gateway));
  const agent = await startAgent({
    gatewayUrl: gateway.url,
    cluster: CLUSTER,
    dataDir: join(work, "agent"),
    nodeArgs,
  });
  const stopAgent = teardown.add("ferry agent", () => stopFerry(agent));
  const api = importApi(gateway.url, gateway.adminToken);

  /** Registers `source` as import target `name` of the bench's cluster. */
  const addTarget = (name, source) =>
    ferryJson(gateway.url, [
      ...["targets", "add", "--cluster", CLUSTER, "--name", name],
      ...["--endpoint", source.remoteReadUrl],
    ]);

  /**
   * Imports [startMs, endMs] of `target` and measures it: over the management API from this
   * process (no CLI start-up counted against agent and gateway), or with `cli`, as a user would.
   * `pids` are the processes whose CPU is read (agent and gateway, maybe source and sink).
   */
  const importOnce = ({ target, startMs, endMs, cli = false }, pids) =>
    measureImport({
      gateway,
      agent,
      pids: pids ?? { agent: agent.pid, gateway: gateway.pid },
      run: cli
        ? () => importByCli(gateway.url, { target, startMs, endMs })
        : () => api.runImport({ clusterId: CLUSTER, target, startMs, endMs, force: true }),
    });

  const stop = async () => {
    api.close();
    await stopAgent();
    await stopGateway();
    await stopSink();
  };
  return { sink, gateway, agent, addTarget, importOnce, stop };
}

/**
 * Runs one import with `run` (which resolves with its final record, as the CLI prints it) and
 * measures it: the CPU each process spent over the call, and the import's own duration.
 */
async function measureImport({ gateway, agent, pids, run }) {
  const cpuOf = () =>
    Object.fromEntries(Object.entries(pids).map(([role, pid]) => [role, cpuSecondsOf(pid)]));
  const cpuBefore = cpuOf();
  const began = process.hrtime.bigint();
  const imp = await run();
  const wallSeconds = Number(process.hrtime.bigint() - began) / 1e9;
  const cpuAfter = cpuOf();
  const cpu = Object.fromEntries(Object.keys(pids).map((role) => [role, cpuAfter[role] - cpuBefore[role]]));
  if (imp === undefined || imp.state !== "IMPORT_STATE_COMPLETED") {
    throw new Error(
      `ferry import did not complete: ${JSON.stringify(imp)}\n` +
        `agent log:\n${agent.proc.logs(20)}\ngateway log:\n${gateway.proc.logs(20)}`,
    );
  }
  // The gateway stamps creation and completion: the import's own duration, without CLI start-up.
  const seconds = (Date.parse(imp.finishedAt) - Date.parse(imp.createdAt)) / 1000;
  const samples = Number(imp.counters?.samplesWritten ?? 0);
  return { imp, samples, seconds, wallSeconds, cpu };
}

/** `ferry import start` following the import to its end, then `ferry import status`'s record. */
async function importByCli(gatewayUrl, { target, startMs, endMs }) {
  const final = await followImportStart(gatewayUrl, [
    ...["import", "start", "--cluster", CLUSTER, "--target", target],
    ...["--start", new Date(startMs).toISOString(), "--end", new Date(endMs).toISOString()],
  ]);
  const { imports } = await ferryJson(gatewayUrl, [
    ...["import", "status", "--cluster", CLUSTER, "--target", target],
  ]);
  return imports[0] ?? final;
}

/** Imports measured one after another as one: totals of samples, time and CPU; the last record. */
function combine(imports) {
  const roles = Object.keys(imports[0].cpu);
  return {
    imp: imports.at(-1).imp,
    samples: sumOf(imports, (m) => m.samples),
    seconds: sumOf(imports, (m) => m.seconds),
    wallSeconds: sumOf(imports, (m) => m.wallSeconds),
    cpu: Object.fromEntries(roles.map((role) => [role, sumOf(imports, (m) => m.cpu[role])])),
  };
}

/** Whether an import read and wrote exactly what the source holds in its range, rejecting nothing. */
function importExact(imp, sourceSamples) {
  const c = imp.counters ?? {};
  const read = Number(c.samplesRead ?? 0);
  return (
    read === sourceSamples && Number(c.samplesWritten ?? 0) === read && Number(c.samplesRejected ?? 0) === 0
  );
}

/** The import's read, written and rejected counters as numbers. */
function countersOf(imp) {
  const c = imp.counters ?? {};
  return {
    read: Number(c.samplesRead ?? 0),
    written: Number(c.samplesWritten ?? 0),
    rejected: Number(c.samplesRejected ?? 0),
    bytesRead: Number(c.bytesRead ?? 0),
    bytesWritten: Number(c.bytesWritten ?? 0),
    windows: Number(c.windowsDone ?? 0),
  };
}

function sumOf(items, value) {
  return items.reduce((sum, item) => sum + value(item), 0);
}

module.exports = { startFerryStack, combine, importExact, countersOf, sumOf };
