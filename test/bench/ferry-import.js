// Ferry end to end: source Prometheus → agent → gateway → a fresh sink, with the agent and the
// gateway as their own processes. Measures the import alone (not start-up): wall time from the
// gateway's own timestamps, CPU of both processes over the import, and their peak RSS.
const { join } = require("node:path");
const { ferryJson, followImportStart, startAgent, startGateway, stopFerry } = require("./ferry-processes");
const { cpuSecondsOf, memoryOf } = require("./process-stats");
const { importApi } = require("./import-over-api");
const { samplesLanded, startSink } = require("./sinks");
const { totalSamples } = require("@ferry/local-prometheus");
const { SELECTOR } = require("./dataset");

const CLUSTER = "bench";
const TARGET = "source";
/** The range of a short warm-up import: the dataset's first minute. */
const SHORT_RANGE_MS = 60_000;

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
  measuredSamples = 0,
  warmup = {},
  blocks = 1,
  machineSpeed,
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
  const api = importApi(gateway.url, gateway.adminToken);
  try {
    await ferryJson(gateway.url, [
      ...["targets", "add", "--cluster", CLUSTER, "--name", TARGET],
      ...["--endpoint", source.remoteReadUrl],
    ]);

    // The source's and the sink's CPU over the import too: on a small machine all four compete.
    const pids = { agent: agent.pid, gateway: gateway.pid, source: source.pid, sink: sink.pid };
    // The first import goes through the CLI, as a user's would; the repeats through the API from
    // this process, so a CLI's start-up (about 0.3 s, while agent and gateway idle) is not counted
    // against them.
    const repeatRange = {
      clusterId: CLUSTER,
      target: TARGET,
      startMs: dataset.startMs,
      endMs: dataset.endMs,
    };
    const importOnce = (again, range = repeatRange) =>
      measureImport({
        gateway,
        agent,
        pids,
        run: again ? () => api.runImport({ ...range, force: true }) : () => importByCli(gateway.url, dataset),
      });
    // `imports` > 1 imports the range again in the same processes (the sink dedups the copies) and
    // reports those repeats: the cost of a running agent, without its first import's JIT warm-up.
    // A small range is repeated until the repeats hold `measuredSamples`: one import of 240 k samples
    // takes about 0.1 CPU s, near the 10 ms resolution of /proc's CPU times and within the noise of
    // a single garbage collection.
    // The JIT keeps compiling for seconds after the first import: before the repeats are measured,
    // more imports run unmeasured until the process has imported `warmup.samples` and made
    // `warmup.imports` imports (the first one included), so that small and large ranges are
    // measured in equally warm processes.
    const first = await importOnce(false);
    // Before anything else is measured, `warmup.shortImports` imports of the dataset's first minute:
    // V8 compiles a function with its optimizing tier only after it has run often enough, and the
    // code every import runs once (its RPCs, state writes, progress messages) needs about a thousand
    // imports to get there; per-sample code gets there within the first import. Without these, a
    // 1 h row would be measured while its per-import code is still being tiered up (10 × 1 h cost
    // about 23 ms CPU per import over imports 300-600, 20 ms over 600-900, 14 ms from 900 on; 14 ms
    // from 300 on with V8's --interrupt-budget=8000, which tiers up sooner), and a 7 d row would not.
    const shortRange = {
      ...repeatRange,
      // A millisecond short of the minute, so no sample sits on the end, whichever way it is read.
      endMs: Math.min(repeatRange.startMs + SHORT_RANGE_MS - 1, repeatRange.endMs),
    };
    const shortSamples =
      warmup.shortImports > 0
        ? await totalSamples(source.url, SELECTOR, shortRange.startMs, shortRange.endMs)
        : 0;
    const short = [];
    while (imports > 1 && short.length < (warmup.shortImports ?? 0)) {
      short.push(await importOnce(true, shortRange));
    }
    const warm = [first];
    const warming = () =>
      sumOf(warm, (r) => r.samples) < (warmup.samples ?? 0) || warm.length < (warmup.imports ?? 0);
    while (imports > 1 && warming()) warm.push(await importOnce(true));
    // The measured repeats run as `blocks` blocks one after another, each as described above; the
    // block with the median CPU per sample stands for the range (this machine's speed drifts for
    // tens of seconds at a time), and every block's figure stays in the record.
    const repeats = [];
    const measuredBlocks = [];
    for (let b = 0; imports > 1 && b < blocks; b++) {
      const block = [];
      const wanted = () => block.length < imports - 1 || sumOf(block, (r) => r.samples) < measuredSamples;
      // The machine's speed just before and just after the block (machine-speed.js), when asked.
      const speedBefore = machineSpeed?.();
      while (wanted()) block.push(await importOnce(true));
      const speedAfter = machineSpeed?.();
      repeats.push(...block);
      measuredBlocks.push({
        ...combine(block),
        imports: block.length,
        machineSeconds: machineSpeed ? (speedBefore + speedAfter) / 2 : undefined,
      });
    }
    const medianBlock = [...measuredBlocks].sort((x, y) => cpuPerSample(x) - cpuPerSample(y))[
      Math.floor((measuredBlocks.length - 1) / 2)
    ];
    const measured = medianBlock ?? first;
    const { imp, wallSeconds, cpu } = measured;
    const peakRssBytes = {
      agent: memoryOf(agent.pid).peakRssBytes,
      gateway: memoryOf(gateway.pid).peakRssBytes,
    };
    const counters = imp.counters ?? {};
    const read = Number(counters.samplesRead ?? 0);
    const written = Number(counters.samplesWritten ?? 0);
    const rejected = Number(counters.samplesRejected ?? 0);
    const { seconds, samples } = measured;
    const landed = await samplesLanded(sink, dataset);
    // Every import, not just the last, read and wrote all that the source holds in its range.
    const everyImportExact =
      [...warm, ...repeats].every((m) => importExact(m.imp, sourceSamples)) &&
      short.every((m) => importExact(m.imp, shortSamples));
    return {
      state: imp.state,
      pids,
      samples,
      seconds,
      wallSeconds,
      samplesPerSecond: samples / seconds,
      bytesRead: Number(counters.bytesRead ?? 0),
      bytesWritten: Number(counters.bytesWritten ?? 0),
      windows: Number(counters.windowsDone ?? 0),
      cpuSeconds: cpu,
      first:
        repeats.length > 0
          ? { samples: first.samples, seconds: first.seconds, cpuSeconds: first.cpu }
          : undefined,
      warmup: { imports: warm.length, samples: sumOf(warm, (r) => r.samples), shortImports: short.length },
      imports: short.length + warm.length + repeats.length,
      measuredImports: medianBlock ? medianBlock.imports : 1,
      machineSeconds: medianBlock?.machineSeconds,
      blocks: measuredBlocks.map((m) => ({
        imports: m.imports,
        samples: m.samples,
        seconds: m.seconds,
        cpuSeconds: m.cpu,
        machineSeconds: m.machineSeconds,
      })),
      peakRssBytes,
      sinkPeakRssBytes: memoryOf(sink.pid).peakRssBytes,
      verification: {
        sourceSamples,
        sinkSamples: landed,
        read,
        written,
        rejected,
        everyImportExact,
        exact:
          landed === sourceSamples &&
          read === written &&
          written === sourceSamples &&
          rejected === 0 &&
          everyImportExact,
      },
    };
  } finally {
    api.close();
    await stopAgent();
    await stopGateway();
    await stopSink();
  }
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
async function importByCli(gatewayUrl, dataset) {
  const final = await followImportStart(gatewayUrl, [
    ...["import", "start", "--cluster", CLUSTER, "--target", TARGET],
    ...["--start", new Date(dataset.startMs).toISOString(), "--end", new Date(dataset.endMs).toISOString()],
  ]);
  const { imports } = await ferryJson(gatewayUrl, [
    ...["import", "status", "--cluster", CLUSTER, "--target", TARGET],
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

/** Agent and gateway CPU seconds per sample of a measured block. */
function cpuPerSample(m) {
  return (m.cpu.agent + m.cpu.gateway) / m.samples;
}

function importExact(imp, sourceSamples) {
  const c = imp.counters ?? {};
  const read = Number(c.samplesRead ?? 0);
  return (
    read === sourceSamples && Number(c.samplesWritten ?? 0) === read && Number(c.samplesRejected ?? 0) === 0
  );
}

function sumOf(items, value) {
  return items.reduce((sum, item) => sum + value(item), 0);
}

module.exports = { runFerryImport };
