// Test support: Go's tsdb/chunkenc bstream writer and the value codings of varbit.go and xorWrite,
// with bigints. Slow, and only here to build chunks the real decoders must read back. Like Go's
// bstream it leaves a spare zero byte after a byte-aligned writeByte, so chunks built with it match
// Prometheus's bytes exactly.

const MASK64 = 2n ** 64n - 1n;

export class BitWriter {
  readonly stream: number[];
  /** Unused bits at the end of the last byte. */
  private free = 0;

  constructor(prefix: readonly number[] = []) {
    this.stream = [...prefix];
  }

  writeBit(bit: number): void {
    if (this.free === 0) {
      this.stream.push(0);
      this.free = 8;
    }
    if (bit) this.stream[this.stream.length - 1]! |= 1 << (this.free - 1);
    this.free--;
  }

  /** Like Go's bstream.writeByte, which always appends a byte for the bits that spill over. */
  writeByte(byte: number): void {
    if (this.free === 0) {
      this.stream.push(0);
      this.free = 8;
    }
    this.stream[this.stream.length - 1]! |= byte >> (8 - this.free);
    this.stream.push((byte << this.free) & 0xff);
  }

  /** The `n` low bits of `value`, most significant first. */
  writeBits(value: bigint, n: number): void {
    let u = (BigInt.asUintN(64, value) << BigInt(64 - n)) & MASK64;
    for (; n >= 8; n -= 8) {
      this.writeByte(Number(u >> 56n));
      u = (u << 8n) & MASK64;
    }
    for (; n > 0; n--) {
      this.writeBit(Number(u >> 63n));
      u = (u << 1n) & MASK64;
    }
  }

  /** Go's putVarbitInt. */
  putVarbitInt(value: number | bigint): void {
    const v = BigInt(value);
    if (v === 0n) {
      this.writeBit(0);
      return;
    }
    for (const [prefix, bits, width] of VARBIT_BUCKETS) {
      if (-(2n ** BigInt(width - 1)) + 1n <= v && v <= 2n ** BigInt(width - 1)) {
        this.writeBits(prefix, bits);
        this.writeBits(v, width);
        return;
      }
    }
    this.writeBits(0b11111111n, 8);
    this.writeBits(v, 64);
  }

  /** Go's putVarbitUint. */
  putVarbitUint(value: number | bigint): void {
    const v = BigInt(value);
    if (v === 0n) {
      this.writeBit(0);
      return;
    }
    for (const [prefix, bits, width] of VARBIT_BUCKETS) {
      if (v < 2n ** BigInt(width)) {
        this.writeBits(prefix, bits);
        this.writeBits(v, width);
        return;
      }
    }
    this.writeBits(0b11111111n, 8);
    this.writeBits(v, 64);
  }

  /** Go's xorWrite of `next` after `state.bits`, updating the state's value and zero counts. */
  xorWrite(state: XorState, next: bigint): void {
    const delta = BigInt.asUintN(64, next ^ state.bits);
    state.bits = BigInt.asUintN(64, next);
    if (delta === 0n) {
      this.writeBit(0);
      return;
    }
    this.writeBit(1);
    let leading = clz64(delta);
    const trailing = ctz64(delta);
    if (leading >= 32) leading = 31;
    if (state.leading !== 0xff && leading >= state.leading && trailing >= state.trailing) {
      this.writeBit(0);
      this.writeBits(delta >> BigInt(state.trailing), 64 - state.leading - state.trailing);
      return;
    }
    state.leading = leading;
    state.trailing = trailing;
    this.writeBit(1);
    this.writeBits(BigInt(leading), 5);
    const significant = 64 - leading - trailing;
    this.writeBits(BigInt(significant), 6); // 64 wraps to 0 in six bits, as in Go
    this.writeBits(delta >> BigInt(trailing), significant);
  }
}

/** A float being XOR-encoded: its bits and the leading/trailing zeros of the last delta (0xff: none yet). */
export interface XorState {
  bits: bigint;
  leading: number;
  trailing: number;
}

/** [prefix, prefix bits, value bits] of varbit.go's buckets, smallest first. */
const VARBIT_BUCKETS: [bigint, number, number][] = [
  [0b10n, 2, 3],
  [0b110n, 3, 6],
  [0b1110n, 4, 9],
  [0b11110n, 5, 12],
  [0b111110n, 6, 18],
  [0b1111110n, 7, 25],
  [0b11111110n, 8, 56],
];

function clz64(x: bigint): number {
  let n = 0;
  for (let bit = 63n; bit >= 0n && ((x >> bit) & 1n) === 0n; bit--) n++;
  return n;
}

function ctz64(x: bigint): number {
  let n = 0;
  for (let bit = 0n; bit < 64n && ((x >> bit) & 1n) === 0n; bit++) n++;
  return n;
}
