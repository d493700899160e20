// The source data: generated history turned into TSDB blocks (what a Prometheus with that much
// history holds), and the source Prometheus serving it over remote read.
const { cp, mkdir } = require("node:fs/promises");
const { join } = require("node:path");
const { buildSourceTsdb, startPrometheus } = require("@ferry/local-prometheus");

const HOUR = 3600_000;
const STEP_MS = 15_000;
/** Every generated series carries it; counts on source and sink select by it. */
const SELECTOR = '{job="ferry-history"}';

/** Two whole hours ago: older than any sink's head, as history is. */
function defaultEndMs() {
  return Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR;
}

/**
 * Builds `series` × `hours` of history at 15 s ending at `endMs` (default: defaultEndMs).
 * Samples lie in [startMs, endMs).
 */
async function buildDataset({ series, hours, dir, endMs = defaultEndMs() }) {
  const startMs = endMs - hours * HOUR;
  const began = Date.now();
  const tsdb = await buildSourceTsdb({ dir, series, startMs, endMs, stepMs: STEP_MS });
  return {
    dir,
    series,
    hours,
    startMs,
    endMs,
    samples: tsdb.samples,
    blocks: tsdb.blocks,
    buildSeconds: (Date.now() - began) / 1000,
  };
}

/**
 * Copies the dataset's blocks to `toDir`, as `promtool tsdb snapshot` would leave them, for tools
 * that read blocks directly (vmctl). Done before the source Prometheus starts: it may compact the
 * blocks under its data dir while a reader walks them.
 */
async function copyBlocks(dataset, toDir) {
  await mkdir(toDir, { recursive: true });
  for (const block of dataset.blocks)
    await cp(join(dataset.dir, block), join(toDir, block), { recursive: true });
  return toDir;
}

function startSource(dataset) {
  return startPrometheus({ dataDir: dataset.dir, role: "source" });
}

module.exports = { buildDataset, copyBlocks, defaultEndMs, startSource, SELECTOR, HOUR };
