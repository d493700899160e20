// Protobuf varint encoding into caller-owned buffers. Callers ensure room (10 bytes at most).

const TWO_32 = 4294967296;
const TWO_52 = 4503599627370496;

/** Bytes the uvarint encoding of `n` (0 <= n <= 2^53) takes. */
export function uvarintSize(n: number): number {
  if (n < 0x80) return 1;
  if (n < 0x4000) return 2;
  if (n < 0x200000) return 3;
  if (n < 0x10000000) return 4;
  if (n < 0x800000000) return 5;
  if (n < 0x40000000000) return 6;
  if (n < 0x2000000000000) return 7;
  return 8;
}

/** Bytes the int64 varint encoding of `n` takes: negative numbers always take ten. */
export function int64Size(n: number): number {
  return n < 0 ? 10 : uvarintSize(n);
}

/** Writes `n` (0 <= n <= 2^53) as a uvarint at `pos`; returns the position after it. */
export function writeUvarint(buf: Uint8Array, pos: number, n: number): number {
  if (n > 0xfffffff) {
    // Millisecond timestamps land here (41 bits): emit the low 28 bits from the low word, then
    // go on with the rest as one 32-bit integer (n < 2^53, so hi < 2^21 and (hi << 4) fits).
    let lo = n >>> 0;
    const hi = (n - lo) / TWO_32;
    buf[pos++] = (lo & 0x7f) | 0x80;
    buf[pos++] = ((lo >>> 7) & 0x7f) | 0x80;
    buf[pos++] = ((lo >>> 14) & 0x7f) | 0x80;
    buf[pos++] = ((lo >>> 21) & 0x7f) | 0x80;
    lo = ((hi << 4) | (lo >>> 28)) >>> 0;
    while (lo > 0x7f) {
      buf[pos++] = (lo & 0x7f) | 0x80;
      lo >>>= 7;
    }
    buf[pos++] = lo;
    return pos;
  }
  while (n > 0x7f) {
    buf[pos++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  buf[pos++] = n;
  return pos;
}

/** Writes `n` (a safe integer) as a protobuf int64 varint (two's complement) at `pos`. */
export function writeInt64(buf: Uint8Array, pos: number, n: number): number {
  if (n >= 0) return writeUvarint(buf, pos, n);
  return writeVarint64(buf, pos, n >>> 0, Math.floor(n / TWO_32) >>> 0);
}

/** Writes `n` (a safe integer) zigzag-encoded, as protobuf sint32 and sint64 are, at `pos`. */
export function writeSint64(buf: Uint8Array, pos: number, n: number): number {
  if (n >= 0 && n < TWO_52) return writeUvarint(buf, pos, n * 2);
  if (n < 0 && n > -TWO_52) return writeUvarint(buf, pos, -n * 2 - 1);
  // The zigzag value needs 54 bits: shift it in 32-bit halves.
  const m = n >= 0 ? n : -n - 1;
  const lo = m >>> 0;
  const hi = (m - lo) / TWO_32;
  return writeVarint64(buf, pos, ((lo << 1) | (n < 0 ? 1 : 0)) >>> 0, ((hi << 1) | (lo >>> 31)) >>> 0);
}

/** Writes the 64-bit value `hi * 2^32 + lo` (two uint32 halves) as a varint at `pos`. */
function writeVarint64(buf: Uint8Array, pos: number, lo: number, hi: number): number {
  while (hi !== 0 || lo > 0x7f) {
    buf[pos++] = (lo & 0x7f) | 0x80;
    lo = ((lo >>> 7) | (hi << 25)) >>> 0;
    hi >>>= 7;
  }
  buf[pos++] = lo;
  return pos;
}
