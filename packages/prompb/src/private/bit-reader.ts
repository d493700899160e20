import { MalformedError } from "../errors";

const TWO_32 = 4294967296;
const TWO_24 = 16777216;
const EMPTY = new Uint8Array(0);

/**
 * A cursor over a bit stream as Prometheus's tsdb/chunkenc writes it (bstream: most significant
 * bit first), with the two value codings its histogram chunks use besides plain bits: "varbit"
 * integers (varbit.go) and Gorilla XOR floats (xorRead). Integers come back as JS numbers and must
 * be exact: one beyond ±2^53 is an error, not a rounded value. Float values are kept as two uint32
 * halves of their IEEE-754 bits, never as numbers, so NaN payloads survive. Nothing is allocated.
 */
export class BitReader {
  private data: Uint8Array = EMPTY;
  /** Next byte to load, and the end of the stream. */
  private next8 = 0;
  private end = 0;
  /** Up to 32 loaded bits, most significant first, left-aligned; `valid` of them unread. */
  private word = 0;
  private valid = 0;

  /** Points the cursor at the bits of `data[start, end)`. */
  reset(data: Uint8Array, start: number, end: number): this {
    this.data = data;
    this.next8 = start;
    this.end = end;
    this.word = 0;
    this.valid = 0;
    return this;
  }

  /** Bits not read yet (the last byte's padding included). */
  get remaining(): number {
    return (this.end - this.next8) * 8 + this.valid;
  }

  readBit(): number {
    if (this.valid === 0) this.refill();
    const bit = this.word >>> 31;
    this.word <<= 1;
    this.valid--;
    return bit;
  }

  /** Reads 1 to 32 bits, most significant first, as an unsigned number. */
  readBits(n: number): number {
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

  /**
   * Go's readVarbitInt: a prefix of up to eight 1 bits closed by a 0 picks the width (0, 3, 6, 9,
   * 12, 18, 25, 56 or 64 bits); an n-bit value above 2^(n-1) is negative.
   */
  readVarbitInt(): number {
    const width = this.readVarbitWidth();
    if (width === 0) return 0;
    if (width <= 25) {
      const bits = this.readBits(width);
      return bits > 2 ** (width - 1) ? bits - 2 ** width : bits;
    }
    let hi: number;
    if (width === 56) {
      // Sign-extend the 24 high bits; exactly 2^55 is the largest positive value.
      hi = this.readBits(24);
      const lo = this.readBits(32);
      if (hi > 0x800000 || (hi === 0x800000 && lo > 0)) hi -= TWO_24;
      return safe(hi * TWO_32 + lo);
    }
    hi = this.readBits(32) | 0;
    return safe(hi * TWO_32 + this.readBits(32));
  }

  /** Go's readVarbitUint: the same widths as `readVarbitInt`, unsigned. */
  readVarbitUint(): number {
    const width = this.readVarbitWidth();
    if (width === 0) return 0;
    if (width <= 25) return this.readBits(width);
    const hi = this.readBits(width - 32);
    return safe(hi * TWO_32 + this.readBits(32));
  }

  /**
   * Go's xorRead: updates the float in `values[2 * slot]` (high half) and `values[2 * slot + 1]`
   * (low half), whose leading and trailing zero counts live in `zeros[2 * slot]` and
   * `zeros[2 * slot + 1]`. '0' keeps the value; '10' XORs in bits between the known leading and
   * trailing zeros; '11' first reads new counts (5 bits leading, 6 bits significant, 0 meaning 64).
   */
  readXor(values: Uint32Array, zeros: Uint8Array, slot: number): void {
    if (this.readBit() === 0) return;
    const h = 2 * slot;
    if (this.readBit() === 1) {
      const leading = this.readBits(5);
      let significant = this.readBits(6);
      if (significant === 0) significant = 64;
      if (leading + significant > 64)
        throw new MalformedError(`XOR value with ${leading} + ${significant} bits`);
      zeros[h] = leading;
      zeros[h + 1] = 64 - leading - significant;
    }
    const trailing = zeros[h + 1]!;
    const significant = 64 - zeros[h]! - trailing;
    let xhi: number;
    let xlo: number;
    if (significant <= 32) {
      const v = significant === 0 ? 0 : this.readBits(significant);
      if (trailing >= 32) {
        xhi = trailing === 64 ? 0 : v << (trailing - 32);
        xlo = 0;
      } else if (trailing === 0) {
        xhi = 0;
        xlo = v;
      } else {
        xhi = v >>> (32 - trailing);
        xlo = v << trailing;
      }
    } else {
      const hi = this.readBits(significant - 32);
      const lo = this.readBits(32);
      if (trailing === 0) {
        xhi = hi;
        xlo = lo;
      } else {
        xhi = (hi << trailing) | (lo >>> (32 - trailing));
        xlo = lo << trailing;
      }
    }
    values[h] = values[h]! ^ xhi;
    values[h + 1] = values[h + 1]! ^ xlo;
  }

  /** Reads the varbit prefix: the number of 1 bits before a 0 (at most eight) mapped to a width. */
  private readVarbitWidth(): number {
    let ones = 0;
    while (ones < 8 && this.readBit() === 1) ones++;
    return VARBIT_WIDTHS[ones]!;
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

/** Value widths by the number of leading 1 bits of a varbit prefix (varbit.go). */
const VARBIT_WIDTHS = [0, 3, 6, 9, 12, 18, 25, 56, 64] as const;

function safe(n: number): number {
  if (!Number.isSafeInteger(n)) throw new MalformedError(`chunk integer ${n} is beyond ±2^53`);
  return n;
}

function truncated(): MalformedError {
  return new MalformedError("chunk ends before its last sample");
}
