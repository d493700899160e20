// --scaling: Ferry end to end alone over growing ranges and series counts, for the cost of a
// sample (CPU seconds and wall seconds per million) and how memory behaves as the data grows.
// Each range is imported several times by the same agent and gateway. The first import's CPU is
// reported on its own (the JIT warming up). Then, unmeasured, WARMUP_IMPORTS imports of the range's
// first minute: the code an import runs once, whatever its size, reaches V8's optimizing tier only
// after about a thousand imports (the probe's fixed cost falls from about 23 ms CPU over imports
// 300-600 to 14 ms from 900 on), so without these a 1 h row, measured after some 50 imports, ran
// colder code than a long-running gateway does, and than a 7 d row, whose per-import code is a
// rounding error. Then, also unmeasured, imports of the range until the processes have imported
// WARMUP_SAMPLES (the per-sample code warms up over seconds of work); then the measured imports
// follow, repeated until they hold MEASURED_SAMPLES, so each row's CPU time is long enough to
// read. That is done BLOCKS times and the median block reported: this machine's speed drifts by
// 15-20 % for tens of seconds at a time, which one block per row put between the rows.
// An import also costs CPU whatever its size (its RPCs, durable state writes, progress messages, a
// connection to the source): a probe of 10 series × 1 h (2,400 samples), warmed up alike and imported
// FIXED_COST_IMPORTS times (the median of BLOCKS such blocks), measures that fixed cost, so that each
// row's cost per sample can be shown without it.
// Beside each block the machine's own speed is measured (machine-speed.js, a fixed workload in
// this process, before and after the block): rows are also shown at the probe's machine speed.
const { rm } = require("node:fs/promises");
const { join } = require("node:path");
const { describe, prepareSource } = require("./comparison");
const { runFerryImport } = require("./ferry-import");
const { measureMachineSpeed } = require("./machine-speed");

const MEASURED_SAMPLES = 10_000_000;
const WARMUP_SAMPLES = 10_000_000;
const FIXED_COST_PROBE = { series: 10, hours: 1 };
const WARMUP_IMPORTS = 1000;
const FIXED_COST_IMPORTS = 100;
const BLOCKS = 3;

const RUNS = [
  { series: 1000, hours: 1 },
  { series: 20_000, hours: 1 },
  { series: 1000, hours: 24 },
  { series: 1000, hours: 24 * 7 },
];

async function runScaling(options, { work, teardown, log, cpuProfDir }) {
  const context = { options, work, teardown, log, cpuProfDir };
  const began = Date.now();
  const runs = [];
  const skipped = [];
  let day;
  const fixedCost = await importRange(
    FIXED_COST_PROBE,
    {
      imports: 1 + FIXED_COST_IMPORTS,
      measuredSamples: 0,
      warmup: { shortImports: WARMUP_IMPORTS },
      blocks: BLOCKS,
    },
    context,
  );
  for (const run of RUNS) {
    if (run.hours === 24 * 7 && day) {
      // Building, counting and importing all grow about linearly with the samples.
      const estimateMs = 7 * day.totalMs;
      const leftMs = options.budgetMinutes * 60_000 - (Date.now() - began);
      if (estimateMs > leftMs) {
        log(
          `skipping ${run.series} × 7 d: estimated ${Math.round(estimateMs / 60_000)} min, ${Math.round(leftMs / 60_000)} min left`,
        );
        skipped.push({ ...run, estimatedMinutes: estimateMs / 60_000 });
        continue;
      }
    }
    const t = Date.now();
    runs.push(
      await importRange(
        run,
        {
          imports: 2,
          measuredSamples: MEASURED_SAMPLES,
          warmup: { shortImports: WARMUP_IMPORTS, samples: WARMUP_SAMPLES },
          blocks: BLOCKS,
        },
        context,
      ),
    );
    if (run.hours === 24) day = { totalMs: Date.now() - t };
  }
  return { config: options, fixedCost, runs, skipped };
}

/**
 * Builds `run`'s dataset, imports it as `imports` says (runFerryImport's `imports`, `measuredSamples`
 * and `warmup`), then drops the dataset.
 */
async function importRange(run, imports, { options, work, teardown, log, cpuProfDir }) {
  const dir = join(work, `scaling-${run.series}x${run.hours}h`);
  const { dataset, source, sourceSamples, stopSource } = await prepareSource({
    ...run,
    dir,
    teardown,
    log,
  });
  try {
    log(`Ferry import of ${run.series} × ${run.hours} h into ${options.sink}`);
    const ferry = await runFerryImport({
      dataset,
      source,
      sourceSamples,
      sinkKind: options.sink,
      work: join(dir, "ferry"),
      teardown,
      cpuProfDir,
      ...imports,
      machineSpeed: measureMachineSpeed,
    });
    return { ...run, dataset: describe(dataset), ferry };
  } finally {
    await stopSource();
    if (!options.keep) await rm(dir, { recursive: true, force: true });
  }
}

module.exports = { runScaling };
