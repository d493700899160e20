// --scaling: Ferry end to end alone over growing ranges and series counts, for the cost of a
// sample (CPU seconds and wall seconds per million) and how memory behaves as the data grows.
// Every row has its own source (scaling-sources.js), and all rows go through one agent, one
// gateway and one sink, in turns: this machine's speed drifts by 15-20 % for tens of seconds at a
// time, so rows measured one after another, each in its own processes, differed by the drift as
// much as by their cost. A process left idle while others ran also cost 10-15 % more CPU per
// import for about a hundred imports afterwards (import-ab.js); shared processes never idle.
// The steps:
// 1. Each row's range imported once from the CLI, as a user would; its CPU is reported on its
//    own ("first import": the first row's is the JIT warming up, the later ones' less so).
// 2. WARMUP_IMPORTS imports of one minute, taken from the rows in turn, unmeasured: the code an
//    import runs once, whatever its size, reaches V8's optimizing tier only after about a thousand
//    imports (the probe's fixed cost falls from about 23 ms CPU over imports 300-600 to 14 ms from
//    900 on). The per-sample code is warm after the first imports' tens of millions of samples.
// 3. One more import of every row, unmeasured.
// 4. BLOCKS rounds; in each, every row in turn (the order rotated every round) imports its range
//    until the block holds MEASURED_SAMPLES (the probe: FIXED_COST_IMPORTS imports), with the
//    machine's own speed measured before and after the block (machine-speed.js). The median block
//    of each row stands for it.
// An import also costs CPU whatever its size (its RPCs, durable state writes, progress messages, a
// connection to the source): the probe of 10 series × 1 h (2,400 samples) measures that fixed
// cost, so that each row's cost per sample can be shown without it.
// Peak RSS of a row is the highest VmHWM over its first import and its blocks, reset before each
// (process-stats.js): the processes are shared, so what an earlier row left resident counts too.
const { join } = require("node:path");
const { totalSamples } = require("@ferry/local-prometheus");
const { SELECTOR } = require("./dataset");
const { combine, importExact, startFerryStack, sumOf } = require("./ferry-stack");
const { measureMachineSpeed } = require("./machine-speed");
const { memoryOf, resetPeakRss } = require("./process-stats");
const { prepareScalingSources } = require("./scaling-sources");
const { samplesLanded } = require("./sinks");

const MEASURED_SAMPLES = 10_000_000;
const FIXED_COST_PROBE = { series: 10, hours: 1, probe: true };
const WARMUP_IMPORTS = 1000;
const FIXED_COST_IMPORTS = 100;
const BLOCKS = 5;
/** The range of a short warm-up import: a row's first minute, less a millisecond (no sample on its end). */
const SHORT_RANGE_MS = 60_000 - 1;

const RUNS = [
  { series: 1000, hours: 1 },
  { series: 20_000, hours: 1 },
  { series: 1000, hours: 24 },
  { series: 1000, hours: 24 * 7 },
];

async function runScaling(options, { work, teardown, log, cpuProfDir }) {
  const { prepared: rows, skipped } = await prepareScalingSources([FIXED_COST_PROBE, ...RUNS], {
    budgetMinutes: options.budgetMinutes,
    importsPerRow: 2 + BLOCKS,
    keep: options.keep,
    work,
    teardown,
    log,
  });
  const stack = await startFerryStack({
    sinkKind: options.sink,
    work: join(work, "ferry"),
    teardown,
    cpuProfDir,
  });
  const peaks = peakTracker(stack);
  try {
    for (const row of rows) {
      await stack.addTarget(row.name, row.source);
      Object.assign(row, { warm: [], short: [], blocks: [], peak: { agent: 0, gateway: 0 } });
    }
    const range = (row, cli = false) => ({
      target: row.name,
      startMs: row.dataset.startMs,
      endMs: row.dataset.endMs,
      cli,
    });
    const imports = rows.filter((row) => !row.probe);

    log(`Ferry imports of ${imports.map(label).join(", ")} from the CLI, one each`);
    for (const row of imports) row.first = await peaks.over(row, () => stack.importOnce(range(row, true)));

    log(`warm-up: ${WARMUP_IMPORTS} imports of 1 min, from the ranges in turn`);
    for (const row of rows) {
      const { startMs } = row.dataset;
      row.shortSamples = await totalSamples(row.source.url, SELECTOR, startMs, startMs + SHORT_RANGE_MS);
    }
    await peaks.over(undefined, async () => {
      for (let i = 0; i < WARMUP_IMPORTS; i++) {
        const row = rows[i % rows.length];
        const { startMs } = row.dataset;
        row.short.push(await stack.importOnce({ ...range(row), endMs: startMs + SHORT_RANGE_MS }));
      }
      for (const row of rows) row.warm.push(await stack.importOnce(range(row)));
    });

    for (let b = 0; b < BLOCKS; b++) {
      const order = [...rows.slice(b % rows.length), ...rows.slice(0, b % rows.length)];
      log(`measured round ${b + 1} of ${BLOCKS}: ${order.map(label).join(", ")}`);
      for (const row of order) {
        const wanted = (block) =>
          row.probe
            ? block.length < FIXED_COST_IMPORTS
            : block.length < 1 || sumOf(block, (r) => r.samples) < MEASURED_SAMPLES;
        const speedBefore = measureMachineSpeed();
        const block = await peaks.over(row, async () => {
          const measured = [];
          while (wanted(measured)) measured.push(await stack.importOnce(range(row)));
          return measured;
        });
        const speedAfter = measureMachineSpeed();
        row.blocks.push({
          ...combine(block),
          imports: block.length,
          all: block,
          machineSeconds: (speedBefore + speedAfter) / 2,
        });
      }
    }

    const results = [];
    for (const row of rows) results.push(await resultOf(row, stack.sink, WARMUP_IMPORTS));
    return {
      config: options,
      interleaved: true,
      overallPeakRssBytes: peaks.overall,
      fixedCost: results.find((r) => r.probe),
      runs: results.filter((r) => !r.probe),
      skipped,
    };
  } finally {
    await stack.stop();
    for (const row of rows) await row.stop();
  }
}

/** What runScaling reports of a row: its median block, first import, warm-up, peaks and checks. */
async function resultOf(row, sink, shortImports) {
  const byCost = [...row.blocks].sort((x, y) => cpuPerSample(x) - cpuPerSample(y));
  const median = byCost[Math.floor((byCost.length - 1) / 2)];
  const everyImport = [...(row.first ? [row.first] : []), ...row.warm, ...row.blocks.flatMap((b) => b.all)];
  const everyImportExact =
    everyImport.every((m) => importExact(m.imp, row.sourceSamples)) &&
    row.short.every((m) => importExact(m.imp, row.shortSamples));
  const landed = await samplesLanded(sink, row.dataset);
  return {
    series: row.series,
    hours: row.hours,
    probe: row.probe === true,
    dataset: row.description,
    ferry: {
      samples: median.samples,
      seconds: median.seconds,
      wallSeconds: median.wallSeconds,
      samplesPerSecond: median.samples / median.seconds,
      cpuSeconds: median.cpu,
      first: row.first
        ? { samples: row.first.samples, seconds: row.first.seconds, cpuSeconds: row.first.cpu }
        : undefined,
      warmup: {
        imports: (row.first ? 1 : 0) + row.warm.length,
        samples: sumOf([...(row.first ? [row.first] : []), ...row.warm], (m) => m.samples),
        shortImports,
        shortImportsOfThisRange: row.short.length,
      },
      measuredImports: median.imports,
      machineSeconds: median.machineSeconds,
      blocks: row.blocks.map((m) => ({
        imports: m.imports,
        samples: m.samples,
        seconds: m.seconds,
        cpuSeconds: m.cpu,
        machineSeconds: m.machineSeconds,
      })),
      peakRssBytes: row.peak,
      verification: {
        sourceSamples: row.sourceSamples,
        sinkSamples: landed,
        everyImportExact,
        exact: landed === row.sourceSamples && everyImportExact,
      },
    },
  };
}

/**
 * Peak RSS of agent and gateway over stretches of work: `over(row, work)` resets both peaks,
 * runs `work`, and raises `row.peak` (when given) and `overall` to what the stretch reached.
 */
function peakTracker({ agent, gateway }) {
  const overall = { agent: 0, gateway: 0 };
  const pids = { agent: agent.pid, gateway: gateway.pid };
  return {
    overall,
    async over(row, work) {
      for (const pid of Object.values(pids)) resetPeakRss(pid);
      const result = await work();
      for (const [role, pid] of Object.entries(pids)) {
        const peak = memoryOf(pid).peakRssBytes;
        overall[role] = Math.max(overall[role], peak);
        if (row) row.peak[role] = Math.max(row.peak[role], peak);
      }
      return result;
    },
  };
}

/** Agent and gateway CPU seconds per sample of a measured block. */
function cpuPerSample(m) {
  return (m.cpu.agent + m.cpu.gateway) / m.samples;
}

function label(row) {
  return `${row.series} × ${row.hours} h`;
}

module.exports = { runScaling };
