import { MalformedError } from "./errors";
import { BitReader } from "./private/bit-reader";
import { chunkSampleCount } from "./private/chunk-header";

/** `prometheus.Chunk.Encoding`. */
export const ChunkEncoding = { UNKNOWN: 0, XOR: 1, HISTOGRAM: 2, FLOAT_HISTOGRAM: 3 } as const;
export type ChunkEncoding = (typeof ChunkEncoding)[keyof typeof ChunkEncoding];

const TWO_32 = 4294967296;
const scratch = new DataView(new ArrayBuffer(8));

/**
 * A reusable cursor over a Prometheus XOR ("Gorilla") chunk, decoding exactly as tsdb/chunkenc
 * does: a 2-byte big-endian sample count; the first timestamp as a signed varint and the first
 * value as 64 raw bits; the second timestamp as a uvarint delta; then delta-of-deltas in the
 * buckets '0', '10'+14 bits, '110'+17, '1110'+20, '1111'+64; values XORed with the previous one,
 * '0' for unchanged, '10' reusing the previous leading/trailing zero counts, '11' + 5 bits leading
 * + 6 bits significant (0 meaning 64).
 *
 * Values are kept as their raw IEEE-754 bits in two uint32 halves (`hi`, `lo`), never as a JS
 * number, so NaN payloads (Prometheus's stale marker 0x7ff0000000000002) survive bit for bit.
 * Nothing is allocated per sample.
 */
export class XorChunkIterator {
  /** Timestamp (ms) of the current sample. */
  t = 0;
  /** High 32 bits of the current value's IEEE-754 bits. */
  hi = 0;
  /** Low 32 bits of the current value's IEEE-754 bits. */
  lo = 0;

  private readonly bits = new BitReader();
  /** The value and its leading/trailing zeros, in `BitReader.readXor`'s slot layout. */
  private readonly current = new Uint32Array(2);
  private readonly zeros = new Uint8Array(2);
  private total = 0;
  private read = 0;
  private tDelta = 0;
  // Results of readVarint.
  private vlo = 0;
  private vhi = 0;

  /** Points the cursor at the chunk in `data[start, end)`. */
  reset(data: Uint8Array, start = 0, end = data.length): this {
    if (end - start < 2) throw new MalformedError("XOR chunk shorter than its 2-byte header");
    this.total = chunkSampleCount(data, start);
    this.bits.reset(data, start + 2, end);
    this.read = 0;
    this.t = 0;
    this.hi = 0;
    this.lo = 0;
    this.tDelta = 0;
    this.zeros[0] = 0;
    this.zeros[1] = 0;
    return this;
  }

  /** Samples the chunk holds, per its header. */
  get length(): number {
    return this.total;
  }

  /** Moves to the next sample; false at the end. Throws `MalformedError` on a truncated chunk. */
  next(): boolean {
    const n = this.read;
    if (n >= this.total) return false;
    const bits = this.bits;
    const current = this.current;
    if (n === 0) {
      this.readVarint();
      // Zig-zag: (u >>> 1) ^ -(u & 1), over 64 bits.
      const half = (this.vhi >>> 1) * TWO_32 + (((this.vhi << 31) | (this.vlo >>> 1)) >>> 0);
      this.t = this.vlo & 1 ? -half - 1 : half;
      current[0] = bits.readBits(32);
      current[1] = bits.readBits(32);
    } else {
      if (n === 1) {
        this.readVarint();
        // Go adds int64(tDelta): a wrapped "negative" uvarint is a negative delta.
        this.tDelta = (this.vhi | 0) * TWO_32 + this.vlo;
      } else {
        this.tDelta += this.readDeltaOfDelta();
      }
      this.t += this.tDelta;
      bits.readXor(current, this.zeros, 0);
    }
    this.hi = current[0]!;
    this.lo = current[1]!;
    this.read = n + 1;
    return true;
  }

  /** The current value as a JS number (NaN payloads may not survive arithmetic on it). */
  value(): number {
    scratch.setUint32(0, this.hi);
    scratch.setUint32(4, this.lo);
    return scratch.getFloat64(0);
  }

  /** The current value's bits as a bigint (allocates: for tests and slow paths). */
  valueBits(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }

  private readDeltaOfDelta(): number {
    const bits = this.bits;
    if (bits.readBit() === 0) return 0;
    if (bits.readBit() === 0) return signed(bits.readBits(14), 14);
    if (bits.readBit() === 0) return signed(bits.readBits(17), 17);
    if (bits.readBit() === 0) return signed(bits.readBits(20), 20);
    const hi = bits.readBits(32);
    return (hi | 0) * TWO_32 + bits.readBits(32);
  }

  /** A varint read from the bit stream (Go's binary.ReadVarint over the bstream) into vlo/vhi. */
  private readVarint(): void {
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      const b = this.bits.readBits(8);
      const low7 = b & 0x7f;
      const shift = 7 * i;
      if (shift < 28) {
        lo |= low7 << shift;
      } else if (shift === 28) {
        lo |= (low7 & 0x0f) << 28;
        hi = low7 >>> 4;
      } else {
        hi |= low7 << (shift - 32);
      }
      if (b < 0x80) {
        this.vlo = lo >>> 0;
        this.vhi = hi >>> 0;
        return;
      }
    }
    throw new MalformedError("XOR chunk varint longer than ten bytes");
  }
}

/** Reads a chunk's sign-extended n-bit delta-of-delta: Prometheus's buckets hold [-(2^(n-1)-1), 2^(n-1)]. */
function signed(bits: number, n: number): number {
  return bits > 1 << (n - 1) ? bits - (1 << n) : bits;
}
