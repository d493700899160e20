import { int64Size, writeInt64 } from "./varint";

const TWO_28 = 268435456;
const TWO_32 = 4294967296;

/** Bytes of one `TimeSeries.samples` entry with explicit value and timestamp fields. */
export function sampleFieldSize(timestampMs: number): number {
  // 0x12 len | 0x09 + 8 bytes | 0x10 + varint
  return 12 + int64Size(timestampMs);
}

/**
 * Writes one `TimeSeries.samples` entry (`sampleFieldSize` bytes, which the caller has room for)
 * at `p`: the value from the two uint32 halves of its IEEE-754 bits, so NaN payloads survive.
 * Returns the position after it. Small enough to be inlined into the decoding loops, so the
 * timestamp and the halves stay unboxed.
 */
export function writeSampleField(buf: Uint8Array, p: number, t: number, hi: number, lo: number): number {
  buf[p] = 0x12;
  buf[p + 2] = 0x09;
  buf[p + 3] = lo;
  buf[p + 4] = lo >>> 8;
  buf[p + 5] = lo >>> 16;
  buf[p + 6] = lo >>> 24;
  buf[p + 7] = hi;
  buf[p + 8] = hi >>> 8;
  buf[p + 9] = hi >>> 16;
  buf[p + 10] = hi >>> 24;
  buf[p + 11] = 0x10;
  let q = p + 12;
  if (t >= TWO_28) {
    // Millisecond timestamps (41 bits): the low 28 bits from the low word, then the rest.
    let low = t >>> 0;
    const high = (t - low) / TWO_32;
    buf[q] = (low & 0x7f) | 0x80;
    buf[q + 1] = ((low >>> 7) & 0x7f) | 0x80;
    buf[q + 2] = ((low >>> 14) & 0x7f) | 0x80;
    buf[q + 3] = ((low >>> 21) & 0x7f) | 0x80;
    q += 4;
    low = ((high << 4) | (low >>> 28)) >>> 0;
    while (low > 0x7f) {
      buf[q++] = (low & 0x7f) | 0x80;
      low >>>= 7;
    }
    buf[q++] = low;
  } else {
    q = writeInt64(buf, q, t);
  }
  buf[p + 1] = q - p - 2;
  return q;
}
