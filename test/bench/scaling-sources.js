// The scaling run's sources: one dataset and source Prometheus per row, all up at once, their
// time ranges back to back (newest first) so that one sink holds every row's samples apart and
// counts each row's on its own range.
const { rm } = require("node:fs/promises");
const { join } = require("node:path");
const { describe, prepareSource } = require("./comparison");
const { defaultEndMs, HOUR } = require("./dataset");

/** A conservative import speed, for the estimate of the 7 d row's imports. */
const SLOW_SAMPLES_PER_SECOND = 1_000_000;
const SAMPLES_PER_SERIES_HOUR = 240;

/**
 * Builds and serves a dataset for each of `runs` (in order), each ending where the one before
 * begins. A 7 d run is skipped when its estimate (7 times the 24 h run's preparation, plus
 * `importsPerRow` imports at SLOW_SAMPLES_PER_SECOND) exceeds what is left of `budgetMinutes`.
 * Resolves with the prepared runs (`stop` stops their sources and drops their data) and the skipped.
 */
async function prepareScalingSources(runs, { budgetMinutes, importsPerRow, keep, work, teardown, log }) {
  const began = Date.now();
  const prepared = [];
  const skipped = [];
  let endMs = defaultEndMs();
  let dayPrepareMs;
  for (const run of runs) {
    if (run.hours === 24 * 7 && dayPrepareMs !== undefined) {
      const samples = run.series * run.hours * SAMPLES_PER_SERIES_HOUR;
      const estimateMs = 7 * dayPrepareMs + ((importsPerRow * samples) / SLOW_SAMPLES_PER_SECOND) * 1000;
      const leftMs = budgetMinutes * 60_000 - (Date.now() - began);
      if (estimateMs > leftMs) {
        log(
          `skipping ${run.series} × 7 d: estimated ${Math.round(estimateMs / 60_000)} min, ${Math.round(leftMs / 60_000)} min left`,
        );
        skipped.push({ ...run, estimatedMinutes: estimateMs / 60_000 });
        continue;
      }
    }
    const t = Date.now();
    const name = `range-${run.series}x${run.hours}h`;
    const dir = join(work, `scaling-${run.series}x${run.hours}h`);
    const { dataset, source, sourceSamples, stopSource } = await prepareSource({
      ...run,
      endMs,
      dir,
      teardown,
      log,
    });
    endMs -= run.hours * HOUR;
    if (run.hours === 24) dayPrepareMs = Date.now() - t;
    const stop = async () => {
      await stopSource();
      if (!keep) await rm(dir, { recursive: true, force: true });
    };
    prepared.push({ ...run, name, dataset, description: describe(dataset), source, sourceSamples, stop });
  }
  return { prepared, skipped };
}

module.exports = { prepareScalingSources };
