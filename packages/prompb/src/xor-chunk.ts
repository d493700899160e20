import { MalformedError } from "./errors";

/** `prometheus.Chunk.Encoding`. */
export const ChunkEncoding = { UNKNOWN: 0, XOR: 1, HISTOGRAM: 2, FLOAT_HISTOGRAM: 3 } as const;
export type ChunkEncoding = (typeof ChunkEncoding)[keyof typeof ChunkEncoding];

const TWO_32 = 4294967296;
const EMPTY = new Uint8Array(0);
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

  private data: Uint8Array = EMPTY;
  /** Next byte of the bit stream to load, and the end of the chunk. */
  private next8 = 0;
  private end = 0;
  /** Up to 32 loaded bits, most significant first, left-aligned; `valid` of them unread. */
  private word = 0;
  private valid = 0;
  private total = 0;
  private read = 0;
  private tDelta = 0;
  private leading = 0;
  private trailing = 0;
  // Results of readVarint.
  private vlo = 0;
  private vhi = 0;

  /** Points the cursor at the chunk in `data[start, end)`. */
  reset(data: Uint8Array, start = 0, end = data.length): this {
    if (end - start < 2) throw new MalformedError("XOR chunk shorter than its 2-byte header");
    this.data = data;
    this.total = (data[start]! << 8) | data[start + 1]!;
    this.next8 = start + 2;
    this.end = end;
    this.word = 0;
    this.valid = 0;
    this.read = 0;
    this.t = 0;
    this.hi = 0;
    this.lo = 0;
    this.tDelta = 0;
    this.leading = 0;
    this.trailing = 0;
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
    if (n === 0) {
      this.readVarint();
      // Zig-zag: (u >>> 1) ^ -(u & 1), over 64 bits.
      const half = (this.vhi >>> 1) * TWO_32 + (((this.vhi << 31) | (this.vlo >>> 1)) >>> 0);
      this.t = this.vlo & 1 ? -half - 1 : half;
      this.hi = this.readBits(32);
      this.lo = this.readBits(32);
    } else {
      if (n === 1) {
        this.readVarint();
        // Go adds int64(tDelta): a wrapped "negative" uvarint is a negative delta.
        this.tDelta = (this.vhi | 0) * TWO_32 + this.vlo;
      } else {
        this.tDelta += this.readDeltaOfDelta();
      }
      this.t += this.tDelta;
      this.readValue();
    }
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
    if (this.readBit() === 0) return 0;
    if (this.readBit() === 0) return signed(this.readBits(14), 14);
    if (this.readBit() === 0) return signed(this.readBits(17), 17);
    if (this.readBit() === 0) return signed(this.readBits(20), 20);
    const hi = this.readBits(32);
    return (hi | 0) * TWO_32 + this.readBits(32);
  }

  private readValue(): void {
    if (this.readBit() === 0) return; // unchanged
    if (this.readBit() === 1) {
      const leading = this.readBits(5);
      let significant = this.readBits(6);
      if (significant === 0) significant = 64;
      const trailing = 64 - leading - significant;
      if (trailing < 0) throw new MalformedError(`XOR chunk value with ${leading} + ${significant} bits`);
      this.leading = leading;
      this.trailing = trailing;
    }
    const trailing = this.trailing;
    const significant = 64 - this.leading - trailing;
    let xhi: number;
    let xlo: number;
    if (significant <= 32) {
      const v = this.readBits(significant);
      if (trailing >= 32) {
        xhi = v << (trailing - 32);
        xlo = 0;
      } else if (trailing === 0) {
        xhi = 0;
        xlo = v;
      } else {
        xhi = v >>> (32 - trailing);
        xlo = v << trailing;
      }
    } else {
      const h = this.readBits(significant - 32);
      const l = this.readBits(32);
      if (trailing === 0) {
        xhi = h;
        xlo = l;
      } else {
        xhi = (h << trailing) | (l >>> (32 - trailing));
        xlo = l << trailing;
      }
    }
    this.hi = (this.hi ^ xhi) >>> 0;
    this.lo = (this.lo ^ xlo) >>> 0;
  }

  /** A varint read from the bit stream (Go's binary.ReadVarint over the bstream) into vlo/vhi. */
  private readVarint(): void {
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      const b = this.readBits(8);
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

  private readBit(): number {
    if (this.valid === 0) this.refill();
    const bit = this.word >>> 31;
    this.word <<= 1;
    this.valid--;
    return bit;
  }

  /** Reads 1 to 32 bits, most significant first, as an unsigned number. */
  private readBits(n: number): number {
    if (n <= this.valid) {
      const bits = this.word >>> (32 - n);
      this.word = n === 32 ? 0 : this.word << n;
      this.valid -= n;
      return bits;
    }
    const have = this.valid;
    const rest = n - have;
    const high = have === 0 ? 0 : this.word >>> (32 - have);
    this.refill();
    if (rest > this.valid) throw truncated();
    const bits = ((high << rest) | (this.word >>> (32 - rest))) >>> 0;
    this.word = rest === 32 ? 0 : this.word << rest;
    this.valid -= rest;
    return bits;
  }

  /** Loads the next (up to) four bytes once every loaded bit is read. */
  private refill(): void {
    const data = this.data;
    const i = this.next8;
    if (i + 4 <= this.end) {
      this.word = (data[i]! << 24) | (data[i + 1]! << 16) | (data[i + 2]! << 8) | data[i + 3]!;
      this.valid = 32;
      this.next8 = i + 4;
      return;
    }
    if (i >= this.end) throw truncated();
    let word = 0;
    let valid = 0;
    for (let j = i; j < this.end; j++, valid += 8) word |= data[j]! << (24 - valid);
    this.word = word;
    this.valid = valid;
    this.next8 = this.end;
  }
}

/** Reads a chunk's sign-extended n-bit delta-of-delta: Prometheus's buckets hold [-(2^(n-1)-1), 2^(n-1)]. */
function signed(bits: number, n: number): number {
  return bits > 1 << (n - 1) ? bits - (1 << n) : bits;
}

function truncated(): MalformedError {
  return new MalformedError("XOR chunk ends before its last sample");
}
