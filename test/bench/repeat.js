// The machine is shared and small (2 cores here): one run of a few seconds can be off by 2×.
// Each measurement is repeated and the run with the median speed stands for it; every run's speed
// and peak RSS stay in the record (memory is reported as the highest of the runs).

/** Runs `measure(i)` `times` times, one after another; resolves with the median run plus `runs`. */
async function medianRun(times, measure) {
  const results = [];
  for (let i = 0; i < times; i++) results.push(await measure(i));
  const sorted = [...results].sort((a, b) => a.samplesPerSecond - b.samplesPerSecond);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  return {
    ...median,
    runs: results.map((r) => ({
      samplesPerSecond: r.samplesPerSecond,
      seconds: r.seconds,
      sinkSamples: r.verification?.sinkSamples,
      exact: r.verification?.exact,
      peakRssBytes: r.peakRssBytes,
    })),
  };
}

module.exports = { medianRun };
