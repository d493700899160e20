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
 * at `p` of `buf`, whose bytes `view` also covers: the value from the two uint32 halves of its
 * IEEE-754 bits, so NaN payloads survive. Returns the position after it. Small enough to be inlined
 * into the decoding loops, so the timestamp and the halves stay unboxed; the value and the low 28
 * bits of a millisecond timestamp go in as 32-bit stores (a sample is one of these a few hundred
 * thousand times a second, and each typed-array store is bounds-checked).
 */
export function writeSampleField(
  buf: Uint8Array,
  view: DataView,
  p: number,
  t: number,
  hi: number,
  lo: number,
): number {
  buf[p] = 0x12;
  buf[p + 2] = 0x09;
  view.setUint32(p + 3, lo, true);
  view.setUint32(p + 7, hi, true);
  buf[p + 11] = 0x10;
  let q = p + 12;
  if (t >= TWO_28) {
    // Millisecond timestamps (41 bits): the low 28 bits from the low word, 7 a byte, then the rest.
    const low = t >>> 0;
    view.setUint32(
      q,
      ((low & 0x7f) |
        ((low << 1) & 0x7f00) |
        ((low << 2) & 0x7f0000) |
        ((low << 3) & 0x7f000000) |
        0x80808080) >>>
        0,
      true,
    );
    q += 4;
    let rest = ((((t - low) / TWO_32) << 4) | (low >>> 28)) >>> 0;
    while (rest > 0x7f) {
      buf[q++] = (rest & 0x7f) | 0x80;
      rest >>>= 7;
    }
    buf[q++] = rest;
  } else {
    q = writeInt64(buf, q, t);
  }
  buf[p + 1] = q - p - 2;
  return q;
}
