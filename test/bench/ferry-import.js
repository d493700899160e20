// Ferry end to end: source Prometheus → agent → gateway → a fresh sink, with the agent and the
// gateway as their own processes. Measures the import alone (not start-up): wall time from the
// gateway's own timestamps, CPU of both processes over the import, and their peak RSS.
const { join } = require("node:path");
const { ferryJson, followImportStart, startAgent, startGateway, stopFerry } = require("./ferry-processes");
const { cpuSecondsOf, memoryOf } = require("./process-stats");
const { samplesLanded, startSink } = require("./sinks");

const CLUSTER = "bench";
const TARGET = "source";

/**
 * Imports all of `dataset` from `source` into a new sink of `sinkKind` under `work`.
 * `sourceSamples` is what the source holds in the range (counted once by the caller).
 */
async function runFerryImport({
  dataset,
  source,
  sourceSamples,
  sinkKind,
  work,
  teardown,
  cpuProfDir,
  imports = 1,
}) {
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
  try {
    await ferryJson(gateway.url, [
      ...["targets", "add", "--cluster", CLUSTER, "--name", TARGET],
      ...["--endpoint", source.remoteReadUrl],
    ]);

    // The source's and the sink's CPU over the import too: on a small machine all four compete.
    const pids = { agent: agent.pid, gateway: gateway.pid, source: source.pid, sink: sink.pid };
    const importOnce = (force) =>
      measureImport({ gateway, agent, pids, dataset, force: force ? ["--force"] : [] });
    // `imports` > 1 imports the range again in the same processes (the sink dedups the copies) and
    // reports the last one: the cost of a running agent, without its first import's JIT warm-up.
    const first = await importOnce(false);
    let measured = first;
    for (let i = 1; i < imports; i++) measured = await importOnce(true);
    const { imp, wallSeconds, cpu } = measured;
    const peakRssBytes = {
      agent: memoryOf(agent.pid).peakRssBytes,
      gateway: memoryOf(gateway.pid).peakRssBytes,
    };
    const counters = imp.counters ?? {};
    const read = Number(counters.samplesRead ?? 0);
    const written = Number(counters.samplesWritten ?? 0);
    const rejected = Number(counters.samplesRejected ?? 0);
    const seconds = measured.seconds;
    const landed = await samplesLanded(sink, dataset);
    return {
      state: imp.state,
      pids,
      samples: written,
      seconds,
      wallSeconds,
      samplesPerSecond: written / seconds,
      bytesRead: Number(counters.bytesRead ?? 0),
      bytesWritten: Number(counters.bytesWritten ?? 0),
      windows: Number(counters.windowsDone ?? 0),
      cpuSeconds: cpu,
      first: imports > 1 ? { seconds: first.seconds, cpuSeconds: first.cpu } : undefined,
      peakRssBytes,
      sinkPeakRssBytes: memoryOf(sink.pid).peakRssBytes,
      verification: {
        sourceSamples,
        sinkSamples: landed,
        read,
        written,
        rejected,
        exact: landed === sourceSamples && read === written && written === sourceSamples && rejected === 0,
      },
    };
  } finally {
    await stopAgent();
    await stopGateway();
    await stopSink();
  }
}

/** One `ferry import start --follow` of the dataset's range: its duration, CPU and final record. */
async function measureImport({ gateway, agent, pids, dataset, force }) {
  const cpuOf = () =>
    Object.fromEntries(Object.entries(pids).map(([role, pid]) => [role, cpuSecondsOf(pid)]));
  const cpuBefore = cpuOf();
  const began = process.hrtime.bigint();
  const final = await followImportStart(gateway.url, [
    ...["import", "start", "--cluster", CLUSTER, "--target", TARGET, ...force],
    ...["--start", new Date(dataset.startMs).toISOString(), "--end", new Date(dataset.endMs).toISOString()],
  ]);
  const wallSeconds = Number(process.hrtime.bigint() - began) / 1e9;
  const cpuAfter = cpuOf();
  const cpu = Object.fromEntries(Object.keys(pids).map((role) => [role, cpuAfter[role] - cpuBefore[role]]));
  const { imports } = await ferryJson(gateway.url, [
    "import",
    "status",
    "--cluster",
    CLUSTER,
    "--target",
    TARGET,
  ]);
  const imp = imports[0];
  if (imp === undefined || imp.state !== "IMPORT_STATE_COMPLETED") {
    throw new Error(
      `ferry import did not complete: ${JSON.stringify(imp ?? final)}\n` +
        `agent log:\n${agent.proc.logs(20)}\ngateway log:\n${gateway.proc.logs(20)}`,
    );
  }
  // The gateway stamps creation and completion: the import's own duration, without CLI start-up.
  const seconds = (Date.parse(imp.finishedAt) - Date.parse(imp.createdAt)) / 1000;
  return { imp, seconds, wallSeconds, cpu };
}

module.exports = { runFerryImport };
