// Remote-read requests as the importer sends them, over the same windows, for the raw references.
const { compressBlock, encodeReadRequest, MatcherType } = require("@ferry/prompb");

/** [startMs, endMs) cut into inclusive windows of `windowMs`, as the importer's planner cuts them. */
function windowsOf(startMs, endMs, windowMs) {
  const windows = [];
  for (let t = startMs; t < endMs; t += windowMs)
    windows.push({ startMs: t, endMs: Math.min(endMs, t + windowMs) - 1 });
  return windows;
}

/** POSTs a read of every series (the importer's default selector) in `window`, accepting only `responseType`. */
function postRead(url, window, responseType) {
  const query = { ...window, matchers: [{ type: MatcherType.RE, name: "__name__", value: ".+" }] };
  return fetch(url, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-protobuf",
      "Content-Encoding": "snappy",
      "X-Prometheus-Remote-Read-Version": "0.1.0",
    },
    body: compressBlock(encodeReadRequest([query], [responseType])),
  });
}

async function expectOk(response, what) {
  if (response.ok) return;
  throw new Error(`${what}: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`);
}

module.exports = { windowsOf, postRead, expectOk };
