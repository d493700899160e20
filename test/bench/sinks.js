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
 * out-of-order head; a later try succeeds, so a few are made.
 */
async function samplesLanded(sink, dataset, tries = 6) {
  await sink.flush();
  for (let attempt = 1; ; attempt++) {
    try {
      return await totalSamples(sink.url, SELECTOR, dataset.startMs, dataset.endMs - 1);
    } catch (err) {
      if (attempt >= tries) throw err;
      process.stderr.write(`bench: counting the sink's samples failed (${err.message}); trying again\n`);
      await sleep(2000 * attempt);
    }
  }
}

module.exports = { startSink, samplesLanded, SINK_KINDS };
