#!/usr/bin/env node
// Micro-benchmark of the remote-read → remote-write codec on the captured Prometheus responses,
// repeated to a few MB. Runs against the build: `npx tsc -b packages/prompb` first, then
//
//   node packages/prompb/bench/codec-bench.mjs
//
// Prints samples/s for SAMPLES splicing and for STREAMED_XOR_CHUNKS decoding + encoding, each
// alone and with the snappy compression of the resulting batches that a writer would add.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const HERE = dirname(fileURLToPath(import.meta.url));
const prompb = require(join(HERE, "..", "dist", "index.js"));
const testdata = (f) => readFileSync(join(HERE, "..", "testdata", f));

const REPEAT = Number(process.env.REPEAT ?? 50);
const SECONDS = Number(process.env.SECONDS ?? 2);
const PIECE = 64 * 1024;

function measure(name, bytes, run) {
  // Warm up, then run for SECONDS.
  for (let i = 0; i < 3; i++) run();
  let samples = 0;
  let iterations = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < SECONDS) {
    samples += run();
    iterations++;
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  }
  const rate = samples / elapsed;
  const mb = (bytes * iterations) / elapsed / 1e6;
  process.stdout.write(
    `${name.padEnd(44)} ${(rate / 1e6).toFixed(2).padStart(7)} M samples/s  ${mb.toFixed(0).padStart(5)} MB/s in\n`,
  );
}

const sum = (batches) => batches.reduce((n, b) => n + b.samples, 0);

// SAMPLES: concatenated ReadResponses are one valid ReadResponse with REPEAT × the results.
const readResponse = prompb.uncompressBlock(testdata("samples-all.snappy"), 1 << 24);
const bigResponse = Buffer.concat(Array.from({ length: REPEAT }, () => readResponse));
const compressedResponse = prompb.compressBlock(bigResponse);

// STREAMED: concatenated frame streams are one valid stream.
const streamed = Buffer.concat(Array.from({ length: REPEAT }, () => testdata("streamed-all.bin")));
const decodeStream = (compress) => {
  const d = new prompb.ChunkedReadDecoder({ minMs: 0, maxMs: 2 ** 53 - 1 });
  let n = 0;
  const take = (batches) => {
    for (const b of batches) {
      n += b.samples;
      if (compress) prompb.compressBlock(b.body);
    }
  };
  for (let at = 0; at < streamed.length; at += PIECE) take(d.write(streamed.subarray(at, at + PIECE)));
  take(d.end());
  return n;
};

process.stdout.write(
  `node ${process.version}, snappy ${prompb.snappyBackend()}, ` +
    `SAMPLES body ${(bigResponse.length / 1e6).toFixed(1)} MB (${sum(prompb.spliceReadResponse(bigResponse))} samples), ` +
    `streamed body ${(streamed.length / 1e6).toFixed(1)} MB (${decodeStream(false)} samples)\n`,
);

measure("splice (SAMPLES)", bigResponse.length, () => sum(prompb.spliceReadResponse(bigResponse)));
measure("uncompress + splice + compress (SAMPLES)", compressedResponse.length, () => {
  const batches = prompb.spliceReadResponse(prompb.uncompressBlock(compressedResponse, 1 << 30));
  for (const b of batches) prompb.compressBlock(b.body);
  return sum(batches);
});
measure("chunked decode + encode (STREAMED)", streamed.length, () => decodeStream(false));
measure("chunked decode + encode + compress (STREAMED)", streamed.length, () => decodeStream(true));

const crcData = streamed.subarray(0, 1 << 20);
const t0 = process.hrtime.bigint();
let crcBytes = 0;
while (Number(process.hrtime.bigint() - t0) / 1e9 < 1) {
  prompb.crc32c(crcData);
  crcBytes += crcData.length;
}
process.stdout.write(
  `${"crc32c".padEnd(44)} ${(crcBytes / (Number(process.hrtime.bigint() - t0) / 1e9) / 1e6).toFixed(0).padStart(7)} MB/s\n`,
);
