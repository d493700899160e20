// The raw references Ferry is measured against: the source's remote read alone, in both response
// types, and a fresh sink's remote-write ingest alone.
const { join } = require("node:path");
const { runChild } = require("./child-process");
const { memoryOf } = require("./process-stats");
const { samplesLanded, startSink } = require("./sinks");

function withRates(result) {
  return { ...result, samplesPerSecond: result.samples / result.seconds };
}

/** Reads the whole dataset from `source` in `mode` ("samples" | "streamed"), `windowMs` at a time. */
async function measureRawRead({ mode, dataset, source, sourceSamples, windowMs, teardown }) {
  const result = await runChild(
    "raw-read.js",
    {
      mode,
      url: source.remoteReadUrl,
      startMs: dataset.startMs,
      endMs: dataset.endMs,
      windowMs,
      sourceSamples,
    },
    teardown,
  );
  return withRates({ ...result, windowMs });
}

/** POSTs the whole dataset, pre-built as 10k-sample payloads, into a fresh sink of `sinkKind`. */
async function measureRawIngest({
  sinkKind,
  dataset,
  source,
  sourceSamples,
  windowMs,
  concurrency,
  work,
  teardown,
}) {
  const sink = await startSink(sinkKind, join(work, "ingest-sink"));
  const stopSink = teardown.add("ingest sink", () => sink.server.stop());
  try {
    const result = await runChild(
      "raw-ingest.js",
      {
        sourceReadUrl: source.remoteReadUrl,
        sinkWriteUrl: sink.remoteWriteUrl,
        startMs: dataset.startMs,
        endMs: dataset.endMs,
        windowMs,
        samplesPerRequest: 10_000,
        concurrency,
      },
      teardown,
    );
    const landed = await samplesLanded(sink, dataset);
    return withRates({
      ...result,
      sinkPeakRssBytes: memoryOf(sink.pid).peakRssBytes,
      verification: { sourceSamples, sinkSamples: landed, exact: landed === sourceSamples },
    });
  } finally {
    await stopSink();
  }
}

module.exports = { measureRawRead, measureRawIngest };
