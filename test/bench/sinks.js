// A fresh remote-write sink per measurement: a sink that already holds the data ingests it again
// cheaply (VictoriaMetrics deduplicates known series, Prometheus's head already has them).
const { startPrometheus, startVictoriaMetrics, totalSamples } = require("@ferry/local-prometheus");
const { setTimeout: sleep } = require("node:timers/promises");
const { SELECTOR } = require("./dataset");

const SINK_KINDS = ["victoria-metrics", "prometheus"];

/** Starts a sink of `kind` on an empty `dataDir`. */
async function startSink(kind, dataDir) {
  if (kind === "victoria-metrics") {
    const vm = await startVictoriaMetrics({ dataDir });
    return {
      kind,
      server: vm,
      url: vm.url,
      remoteWriteUrl: vm.remoteWriteUrl,
      pid: vm.pid,
      flush: () => vm.flush(),
    };
  }
  if (kind === "prometheus") {
    // role sink: remote-write receiver with an out-of-order window of 100 y, so history is not "out of bounds".
    const prom = await startPrometheus({ dataDir, role: "sink" });
    return {
      kind,
      server: prom,
      url: prom.url,
      remoteWriteUrl: prom.remoteWriteUrl,
      pid: prom.pid,
      flush: async () => {},
    };
  }
  throw new Error(`unknown sink ${kind}; expected one of ${SINK_KINDS.join(", ")}`);
}

/**
 * Samples of the dataset's series the sink holds in [startMs, endMs), after making all ingested data
 * visible. Prometheus 2.42 right after a large out-of-order ingest sometimes fails queries ("cannot
 * populate chunk … from block 00000000000000000000000000: not found") while it moves its
 * out-of-order head; a later try succeeds, so a few are made. A count short of the dataset is asked
 * again too, after flushing once more (VictoriaMetrics 1.79 once answered a first count missing two
 * whole metric names that the same sink returned later); a shortfall that stays is reported as is.
 */
async function samplesLanded(sink, dataset, tries = 6, shortTries = 3) {
  let landed = 0;
  let short = 0;
  for (let attempt = 1; attempt <= tries; attempt++) {
    await sink.flush();
    try {
      landed = await totalSamples(sink.url, SELECTOR, dataset.startMs, dataset.endMs - 1);
      if (landed >= dataset.samples || ++short >= shortTries) return landed;
      process.stderr.write(`bench: the sink shows ${landed} of ${dataset.samples} samples; asking again\n`);
    } catch (err) {
      if (attempt >= tries) throw err;
      process.stderr.write(`bench: counting the sink's samples failed (${err.message}); trying again\n`);
    }
    await sleep(2000 * attempt);
  }
  return landed;
}

module.exports = { startSink, samplesLanded, SINK_KINDS };
