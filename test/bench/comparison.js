// The default run: one dataset, Ferry end to end, and the references on the same data.
const { join } = require("node:path");
const { totalSamples } = require("@ferry/local-prometheus");
const { buildDataset, copyBlocks, SELECTOR, startSource } = require("./dataset");
const { runFerryImport } = require("./ferry-import");
const { measureRawIngest, measureRawRead } = require("./references");
const { memoryOf } = require("./process-stats");
const { medianRun } = require("./repeat");
const { measureVmctl } = require("./vmctl");

/** Builds the dataset (ending at `endMs`, when given) and starts the source Prometheus on it; resolves with both and the source's count. */
async function prepareSource({ series, hours, endMs, dir, teardown, log }) {
  log(`dataset: ${series} series × ${hours} h at 15 s`);
  const dataset = await buildDataset({ series, hours, endMs, dir: join(dir, "source") });
  log(`  ${dataset.samples.toLocaleString("en-US")} samples, built in ${dataset.buildSeconds.toFixed(1)} s`);
  const snapshotDir = await copyBlocks(dataset, join(dir, "snapshot"));
  const source = await startSource(dataset);
  const stopSource = teardown.add("source Prometheus", () => source.stop());
  const sourceSamples = await totalSamples(source.url, SELECTOR, dataset.startMs, dataset.endMs - 1);
  if (sourceSamples !== dataset.samples) {
    log(`  warning: the source counts ${sourceSamples} samples, ${dataset.samples} were generated`);
  }
  return { dataset, snapshotDir, source, sourceSamples, stopSource };
}

async function runComparison(options, { work, teardown, log, cpuProfDir }) {
  const { dataset, snapshotDir, source, sourceSamples, stopSource } = await prepareSource({
    series: options.series,
    hours: options.hours,
    dir: work,
    teardown,
    log,
  });
  const common = { dataset, source, sourceSamples, windowMs: options.windowMs, teardown };
  const results = { config: options, dataset: describe(dataset), sourceSamples };
  const repeated = (label, measure) =>
    medianRun(options.repeat, (i) => {
      log(`${label}${options.repeat > 1 ? ` (${i + 1}/${options.repeat})` : ""}`);
      return measure(join(work, `run-${++runs}`));
    });
  let runs = 0;
  try {
    if (!options.skipReferences) {
      results.rawReadSamples = await repeated("raw remote read, SAMPLES", () =>
        measureRawRead({ ...common, mode: "samples" }),
      );
      results.rawReadStreamed = await repeated("raw remote read, STREAMED_XOR_CHUNKS", () =>
        measureRawRead({ ...common, mode: "streamed" }),
      );
    }
    results.ferry = await repeated(`Ferry import: agent → gateway → ${options.sink}`, (dir) =>
      runFerryImport({ ...common, sinkKind: options.sink, work: dir, cpuProfDir }),
    );
    if (!options.skipReferences) {
      results.rawIngest = await repeated(`raw remote-write ingest into a fresh ${options.sink}`, (dir) =>
        measureRawIngest({ ...common, sinkKind: options.sink, concurrency: options.concurrency, work: dir }),
      );
      results.vmctl = await repeated("vmctl prometheus --prom-snapshot into a fresh VictoriaMetrics", (dir) =>
        measureVmctl({ dataset, snapshotDir, sourceSamples, work: dir, teardown }),
      );
    }
    results.sourcePeakRssBytes = memoryOf(source.pid).peakRssBytes;
  } finally {
    await stopSource();
  }
  return results;
}

function describe(dataset) {
  const { dir, blocks, ...rest } = dataset;
  return {
    ...rest,
    blocks: blocks.length,
    start: new Date(dataset.startMs).toISOString(),
    end: new Date(dataset.endMs).toISOString(),
  };
}

module.exports = { runComparison, prepareSource, describe };
