import { compressBlock, encodeWriteRequest, uncompressBlock, type WriteSeries } from "@ferry/prompb";

/**
 * For fake remote-read sources in specs: the snappy SAMPLES response to a compressed ReadRequest,
 * holding for each query what `source` has in its [start, end] (matchers are not applied).
 * Each queried range is appended to `reads`.
 */
export function samplesReadResponse(
  source: readonly WriteSeries[],
  compressedRequest: Uint8Array,
  reads: [number, number][],
): Uint8Array {
  const results = queryRanges(uncompressBlock(compressedRequest, 1 << 20)).map(([from, to]) => {
    reads.push([from, to]);
    const inRange = source
      .map((s) => ({
        labels: s.labels,
        samples: s.samples.filter((x) => x.timestampMs >= from && x.timestampMs <= to),
        histograms: (s.histograms ?? []).filter((h) => h.timestampMs >= from && h.timestampMs <= to),
      }))
      .filter((s) => s.samples.length + s.histograms.length > 0);
    // A QueryResult holds `repeated TimeSeries timeseries = 1`, as a WriteRequest does.
    return lengthPrefixed(0x0a, encodeWriteRequest(inRange));
  });
  return compressBlock(Buffer.concat(results));
}

/** Start and end of each query of an uncompressed ReadRequest (fields 1.1 and 1.2). */
function queryRanges(body: Uint8Array): [number, number][] {
  let pos = 0;
  const varint = (): number => {
    let n = 0;
    for (let mul = 1; ; mul *= 128) {
      const b = body[pos++] as number;
      n += (b & 0x7f) * mul;
      if (b < 0x80) return n;
    }
  };
  const ranges: [number, number][] = [];
  while (pos < body.length) {
    const tag = varint();
    const len = varint();
    if (tag !== 0x0a) {
      pos += len;
      continue;
    }
    const stop = pos + len;
    const range: [number, number] = [0, 0];
    while (pos < stop) {
      const t = varint();
      if (t === 0x08 || t === 0x10) range[t === 0x08 ? 0 : 1] = varint();
      else if ((t & 7) === 2) pos += varint();
      else varint();
    }
    ranges.push(range);
  }
  return ranges;
}

function lengthPrefixed(tag: number, payload: Uint8Array): Uint8Array {
  const len: number[] = [];
  let n = payload.length;
  while (n >= 0x80) {
    len.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  len.push(n);
  return Buffer.concat([Uint8Array.of(tag, ...len), payload]);
}
