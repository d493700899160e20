// `node test/bench/decode-window.js [series] [minutes,...]`: the in-process cost of decoding one
// window's STREAMED_XOR_CHUNKS response into remote-write batches, apart from sockets, gRPC and
// compression. It reads one response per window length from a source Prometheus with `series`
// series (1000 by default), then decodes each one repeatedly, fed in 64 KiB pieces as a socket
// delivers them, and prints the time per window, per sample and per series.
const { mkdtemp, rm } = require("node:fs/promises");
const { tmpdir } = require("node:os");
const { join } = require("node:path");
const { ChunkedReadDecoder, ResponseType } = require("@ferry/prompb");
const { prepareSource } = require("./comparison");
const { expectOk, postRead } = require("./remote-read");
const { stopOnSignals, teardown } = require("./teardown");

const PIECE_BYTES = 64 * 1024;
const WARMUP_DECODES = 200;
const MEASURED_DECODES = 400;

async function readBody(url, startMs, endMs) {
  const response = await postRead(url, { startMs, endMs }, ResponseType.STREAMED_XOR_CHUNKS);
  await expectOk(response, "remote read (STREAMED_XOR_CHUNKS)");
  return Buffer.from(await response.arrayBuffer());
}

/** Decodes `body` for the window [startMs, endMs]; returns the samples the batches hold. */
function decode(body, startMs, endMs) {
  const decoder = new ChunkedReadDecoder({ minMs: startMs, maxMs: endMs });
  let samples = 0;
  for (let at = 0; at < body.length; at += PIECE_BYTES) {
    for (const batch of decoder.write(body.subarray(at, at + PIECE_BYTES))) samples += batch.samples;
  }
  for (const batch of decoder.end()) samples += batch.samples;
  return samples;
}

async function main() {
  const series = Number(process.argv[2] ?? 1000);
  const windows = (process.argv[3] ?? "1,30,60").split(",").map(Number);
  if (!Number.isInteger(series) || series <= 0 || windows.some((m) => !(m > 0 && m <= 60))) {
    throw new Error("usage: node test/bench/decode-window.js [series] [minutes,... each in (0, 60]]");
  }
  stopOnSignals();
  const work = await mkdtemp(join(tmpdir(), "ferry-decode-"));
  teardown.add("work directory", () => rm(work, { recursive: true, force: true }));
  const log = (line) => process.stderr.write(`${line}\n`);
  const { source, dataset } = await prepareSource({ series, hours: 1, dir: work, teardown, log });
  const cases = [];
  for (const minutes of windows) {
    const startMs = dataset.startMs;
    const endMs = startMs + minutes * 60_000 - 1;
    cases.push({ minutes, startMs, endMs, body: await readBody(source.remoteReadUrl, startMs, endMs) });
  }
  for (const c of cases) {
    for (let i = 0; i < WARMUP_DECODES; i++) decode(c.body, c.startMs, c.endMs);
    const began = process.hrtime.bigint();
    let samples = 0;
    for (let i = 0; i < MEASURED_DECODES; i++) samples = decode(c.body, c.startMs, c.endMs);
    const us = Number(process.hrtime.bigint() - began) / 1e3 / MEASURED_DECODES;
    console.log(
      `${String(c.minutes).padStart(2)} min: ${c.body.length.toLocaleString("en-US")} bytes, ` +
        `${samples.toLocaleString("en-US")} samples: ${(us / 1000).toFixed(2)} ms a window, ` +
        `${((us * 1000) / samples).toFixed(1)} ns a sample, ${(us / series).toFixed(2)} µs a series`,
    );
  }
}

main()
  .catch((error) => {
    process.exitCode = 1;
    console.error(error);
  })
  .finally(() => teardown.runAll());
