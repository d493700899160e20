// Child process: the sink's raw remote-write ingest speed. Builds every payload first (the dataset
// read as SAMPLES and spliced into 10k-sample WriteRequests, snappy-compressed), then times only
// the POSTs, a few in flight at once.
const http = require("node:http");
const { compressBlock, ResponseType, spliceReadResponse, uncompressBlock } = require("@ferry/prompb");
const { childMain } = require("./child-process");
const { expectOk, postRead, windowsOf } = require("./remote-read");

async function buildPayloads(input) {
  const limits = { maxSamples: input.samplesPerRequest, maxBytes: 4 * 1024 * 1024 };
  const payloads = [];
  for (const window of windowsOf(input.startMs, input.endMs, input.windowMs)) {
    const response = await postRead(input.sourceReadUrl, window, ResponseType.SAMPLES);
    await expectOk(response, "remote read (SAMPLES)");
    const body = uncompressBlock(new Uint8Array(await response.arrayBuffer()), 2 ** 31);
    for (const batch of spliceReadResponse(body, limits)) {
      payloads.push({ body: compressBlock(batch.body), samples: batch.samples });
    }
  }
  return payloads;
}

function post(url, agent, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: "POST",
        agent,
        headers: {
          "Content-Type": "application/x-protobuf",
          "Content-Encoding": "snappy",
          "X-Prometheus-Remote-Write-Version": "0.1.0",
          "Content-Length": body.length,
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (s) => {
          text += s;
        });
        res.on("end", () =>
          res.statusCode >= 200 && res.statusCode < 300
            ? resolve()
            : reject(new Error(`remote write: HTTP ${res.statusCode} ${text.slice(0, 300)}`)),
        );
      },
    );
    req.once("error", reject);
    req.end(body);
  });
}

async function ingest(input) {
  const payloads = await buildPayloads(input);
  const agent = new http.Agent({ keepAlive: true, maxSockets: input.concurrency });
  let next = 0;
  const worker = async () => {
    while (next < payloads.length) await post(input.sinkWriteUrl, agent, payloads[next++].body);
  };
  const began = process.hrtime.bigint();
  await Promise.all(Array.from({ length: input.concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  agent.destroy();
  let samples = 0;
  let wireBytes = 0;
  for (const p of payloads) {
    samples += p.samples;
    wireBytes += p.body.length;
  }
  return { samples, seconds, wireBytes, requests: payloads.length, concurrency: input.concurrency };
}

childMain(ingest);
