import { spliceReadResponse, type WriteBatch } from "@ferry/prompb";

/**
 * Splits a write batch whose request the sink found too large (413) into batches of at
 * most `maxSamples`. A WriteRequest body is a run of TimeSeries fields (field 1), exactly
 * the body of a remote-read QueryResult, so wrapping it as a one-result ReadResponse lets
 * the splicer cut it at series boundaries (and inside a series when one alone is too big).
 */
export function splitBatch(batch: WriteBatch, maxSamples: number): WriteBatch[] {
  const body = batch.body;
  const header = lengthDelimitedHeader(body.length);
  const wrapped = new Uint8Array(header.length + body.length);
  wrapped.set(header, 0);
  wrapped.set(body, header.length);
  const parts = spliceReadResponse(wrapped, { maxSamples, maxBytes: Math.max(1024, body.length) });
  if (batch.continuesSeries && parts[0]) parts[0].continuesSeries = true;
  return parts;
}

/** Tag of field 1, wire type 2, then the length as a uvarint. */
function lengthDelimitedHeader(length: number): Uint8Array {
  const bytes = [0x0a];
  let n = length;
  while (n >= 0x80) {
    bytes.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  bytes.push(n);
  return Uint8Array.from(bytes);
}
