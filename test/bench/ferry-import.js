// Ferry end to end: source Prometheus → agent → gateway → a fresh sink, with the agent and the
// gateway as their own processes. Measures one import through the CLI, as a user runs it (not
// start-up): wall time from the gateway's own timestamps, CPU of all four processes over the
// import, and the peak RSS of agent and gateway.
const { join } = require("node:path");
const { countersOf, importExact, startFerryStack } = require("./ferry-stack");
const { memoryOf } = require("./process-stats");
const { samplesLanded } = require("./sinks");

const TARGET = "source";

/**
 * Imports all of `dataset` from `source` into a new sink of `sinkKind` under `work`.
 * `sourceSamples` is what the source holds in the range (counted once by the caller).
 */
async function runFerryImport({ dataset, source, sourceSamples, sinkKind, work, teardown, cpuProfDir }) {
  const stack = await startFerryStack({ sinkKind, work: join(work, "ferry"), teardown, cpuProfDir });
  const { agent, gateway, sink } = stack;
  try {
    await stack.addTarget(TARGET, source);
    // The source's and the sink's CPU over the import too: on a small machine all four compete.
    const pids = { agent: agent.pid, gateway: gateway.pid, source: source.pid, sink: sink.pid };
    const range = { target: TARGET, startMs: dataset.startMs, endMs: dataset.endMs, cli: true };
    const { imp, samples, seconds, wallSeconds, cpu } = await stack.importOnce(range, pids);
    const peakRssBytes = {
      agent: memoryOf(agent.pid).peakRssBytes,
      gateway: memoryOf(gateway.pid).peakRssBytes,
    };
    const { read, written, rejected, bytesRead, bytesWritten, windows } = countersOf(imp);
    const landed = await samplesLanded(sink, dataset);
    return {
      state: imp.state,
      pids,
      samples,
      seconds,
      wallSeconds,
      samplesPerSecond: samples / seconds,
      bytesRead,
      bytesWritten,
      windows,
      cpuSeconds: cpu,
      imports: 1,
      measuredImports: 1,
      peakRssBytes,
      sinkPeakRssBytes: memoryOf(sink.pid).peakRssBytes,
      verification: {
        sourceSamples,
        sinkSamples: landed,
        read,
        written,
        rejected,
        exact: landed === sourceSamples && importExact(imp, sourceSamples),
      },
    };
  } finally {
    await stack.stop();
  }
}

module.exports = { runFerryImport };
