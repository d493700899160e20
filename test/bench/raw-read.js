// Child process: the source's raw remote-read speed in one response type, window after window.
// SAMPLES: POST, read the body, snappy-uncompress (samples counted afterwards, off the clock).
// STREAMED_XOR_CHUNKS: POST, read the frames and check their CRCs, no chunk decoding.
const { FrameReader, ResponseType, spliceReadResponse, uncompressBlock } = require("@ferry/prompb");
const { childMain } = require("./child-process");
const { expectOk, postRead, windowsOf } = require("./remote-read");

const MAX_RESPONSE_BYTES = 2 ** 31;

async function readSamples(input) {
  let seconds = 0;
  let wireBytes = 0;
  let uncompressedBytes = 0;
  let samples = 0;
  for (const window of windowsOf(input.startMs, input.endMs, input.windowMs)) {
    const began = process.hrtime.bigint();
    const response = await postRead(input.url, window, ResponseType.SAMPLES);
    await expectOk(response, "remote read (SAMPLES)");
    const compressed = new Uint8Array(await response.arrayBuffer());
    const body = uncompressBlock(compressed, MAX_RESPONSE_BYTES);
    seconds += Number(process.hrtime.bigint() - began) / 1e9;
    wireBytes += compressed.length;
    uncompressedBytes += body.length;
    for (const batch of spliceReadResponse(body)) samples += batch.samples;
  }
  return { mode: "samples", samples, seconds, wireBytes, uncompressedBytes };
}

async function readStreamed(input) {
  let seconds = 0;
  let wireBytes = 0;
  let frames = 0;
  for (const window of windowsOf(input.startMs, input.endMs, input.windowMs)) {
    const began = process.hrtime.bigint();
    const response = await postRead(input.url, window, ResponseType.STREAMED_XOR_CHUNKS);
    await expectOk(response, "remote read (STREAMED_XOR_CHUNKS)");
    const type = response.headers.get("content-type") ?? "";
    if (!type.startsWith("application/x-streamed-protobuf")) throw new Error(`not streamed: ${type}`);
    const reader = new FrameReader(() => {});
    for await (const piece of response.body) reader.write(piece);
    reader.end();
    seconds += Number(process.hrtime.bigint() - began) / 1e9;
    wireBytes += reader.bytesRead;
    frames += reader.framesRead;
  }
  // Chunks are not decoded: the samples are the source's count for the range.
  return { mode: "streamed", samples: input.sourceSamples, seconds, wireBytes, frames };
}

childMain((input) => (input.mode === "samples" ? readSamples(input) : readStreamed(input)));
