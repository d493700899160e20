// `node test/bench/import-sweep.js [series] [minutes,...]`: the CPU the agent and the gateway
// spend per import, for imports of the first few minutes of one dataset (1000 series × 1 h by
// default), each range imported REPEATS times after WARMUP_IMPORTS one-minute imports (see
// scaling.js: per-import code needs about a thousand imports to be optimized). It shows how an
// import's cost splits into what it pays once, per window read, and per sample: ranges up to the
// agent's 30-minute first window are read in one window, longer ones in two.
const { mkdtemp, rm } = require("node:fs/promises");
const { tmpdir } = require("node:os");
const { join } = require("node:path");
const { prepareSource } = require("./comparison");
const { ferryJson, startAgent, startGateway, stopFerry } = require("./ferry-processes");
const { importApi } = require("./import-over-api");
const { cpuSecondsOf } = require("./process-stats");
const { startSink } = require("./sinks");
const { stopOnSignals, teardown } = require("./teardown");

const WARMUP_IMPORTS = 1000;
const REPEATS = 40;
const CLUSTER = "sweep";
const TARGET = "source";

async function main() {
  const series = Number(process.argv[2] ?? 1000);
  const ranges = (process.argv[3] ?? "1,10,30,45,60").split(",").map(Number);
  if (!Number.isInteger(series) || series <= 0 || ranges.some((m) => !(m > 0 && m <= 60))) {
    throw new Error("usage: node test/bench/import-sweep.js [series] [minutes,... each in (0, 60]]");
  }
  stopOnSignals();
  const work = await mkdtemp(join(tmpdir(), "ferry-sweep-"));
  teardown.add("work directory", () => rm(work, { recursive: true, force: true }));
  const log = (line) => process.stderr.write(`${line}\n`);
  const { source, dataset } = await prepareSource({ series, hours: 1, dir: work, teardown, log });
  const sink = await startSink("victoria-metrics", join(work, "sink"));
  teardown.add("sink", () => sink.server.stop());
  const gateway = await startGateway({
    dataDir: join(work, "gateway"),
    remoteWriteUrl: sink.remoteWriteUrl,
    queryUrl: sink.url,
  });
  teardown.add("gateway", () => stopFerry(gateway));
  const agent = await startAgent({ gatewayUrl: gateway.url, cluster: CLUSTER, dataDir: join(work, "agent") });
  teardown.add("agent", () => stopFerry(agent));
  await ferryJson(gateway.url, [
    ...["targets", "add", "--cluster", CLUSTER, "--name", TARGET, "--endpoint", source.remoteReadUrl],
  ]);
  const api = importApi(gateway.url, gateway.adminToken);
  teardown.add("API client", async () => api.close());

  // The range's end a millisecond short of the minute, so no sample sits on it.
  const importMinutes = async (minutes) => {
    const imp = await api.runImport({
      clusterId: CLUSTER,
      target: TARGET,
      startMs: dataset.startMs,
      endMs: dataset.startMs + minutes * 60_000 - 1,
      force: true,
    });
    if (imp.state !== "IMPORT_STATE_COMPLETED")
      throw new Error(`import did not complete: ${JSON.stringify(imp)}`);
    const c = imp.counters ?? {};
    if (Number(c.samplesWritten ?? 0) !== Number(c.samplesRead ?? -1) || Number(c.samplesRejected ?? 0) > 0) {
      throw new Error(`import not exact: ${JSON.stringify(c)}`);
    }
    return { samples: Number(c.samplesWritten ?? 0), windows: Number(c.windowsDone ?? 0) };
  };

  log(`warming up: ${WARMUP_IMPORTS} imports of 1 min`);
  for (let i = 0; i < WARMUP_IMPORTS; i++) await importMinutes(1);
  console.log(
    `${series} series; CPU per import, ${REPEATS} imports per range after ${WARMUP_IMPORTS} of 1 min`,
  );
  for (const minutes of ranges) {
    const agentBefore = cpuSecondsOf(agent.pid);
    const gatewayBefore = cpuSecondsOf(gateway.pid);
    let last;
    for (let i = 0; i < REPEATS; i++) last = await importMinutes(minutes);
    const agentMs = ((cpuSecondsOf(agent.pid) - agentBefore) * 1000) / REPEATS;
    const gatewayMs = ((cpuSecondsOf(gateway.pid) - gatewayBefore) * 1000) / REPEATS;
    console.log(
      `${String(minutes).padStart(3)} min: ${last.samples.toLocaleString("en-US").padStart(9)} samples, ` +
        `${last.windows} window(s): agent ${agentMs.toFixed(1)} ms + gateway ${gatewayMs.toFixed(1)} ms = ` +
        `${(agentMs + gatewayMs).toFixed(1)} ms`,
    );
  }
}

main()
  .catch((error) => {
    process.exitCode = 1;
    console.error(error);
  })
  .finally(() => teardown.runAll());
