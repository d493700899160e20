// Test support: a Prometheus XOR chunk appender written from tsdb/chunkenc's description, with
// bigints. Slow, and only here to build chunks the real decoder must read back. Its bit stream
// behaves like Go's bstream, down to the spare zero byte left after a byte-aligned write, so it
// reproduces Prometheus's chunk bytes exactly.

const MASK64 = 2n ** 64n - 1n;

export class XorChunkEncoder {
  /** Header (2 bytes) and bit stream; `free` bits are unused at the end of the last byte. */
  private readonly stream: number[] = [0, 0];
  private free = 0;
  private count = 0;
  private t = 0;
  private tDelta = 0;
  private v = 0n;
  private leading = 0xff;
  private trailing = 0;

  get length(): number {
    return this.count;
  }

  append(t: number, valueBits: bigint): void {
    if (this.count === 0) {
      for (const b of varint(zigzag(BigInt(t)))) this.writeByte(b);
      this.write(valueBits, 64);
    } else if (this.count === 1) {
      this.tDelta = t - this.t;
      for (const b of varint(BigInt.asUintN(64, BigInt(this.tDelta)))) this.writeByte(b);
      this.writeValue(valueBits);
    } else {
      const tDelta = t - this.t;
      const dod = tDelta - this.tDelta;
      if (dod === 0) this.write(0n, 1);
      else if (bitRange(dod, 14)) this.writeDod(0b10n, 2, dod, 14);
      else if (bitRange(dod, 17)) this.writeDod(0b110n, 3, dod, 17);
      else if (bitRange(dod, 20)) this.writeDod(0b1110n, 4, dod, 20);
      else this.writeDod(0b1111n, 4, dod, 64);
      this.tDelta = tDelta;
      this.writeValue(valueBits);
    }
    this.t = t;
    this.v = valueBits;
    this.count++;
  }

  bytes(): Uint8Array {
    const out = Uint8Array.from(this.stream);
    out[0] = this.count >>> 8;
    out[1] = this.count;
    return out;
  }

  private writeDod(prefix: bigint, prefixBits: number, dod: number, n: number): void {
    this.write(prefix, prefixBits);
    this.write(BigInt.asUintN(n, BigInt(dod)), n);
  }

  private writeValue(valueBits: bigint): void {
    const delta = valueBits ^ this.v;
    if (delta === 0n) {
      this.write(0n, 1);
      return;
    }
    this.write(1n, 1);
    let leading = clz64(delta);
    const trailing = ctz64(delta);
    if (leading >= 32) leading = 31;
    if (this.leading !== 0xff && leading >= this.leading && trailing >= this.trailing) {
      this.write(0n, 1);
      this.write(delta >> BigInt(this.trailing), 64 - this.leading - this.trailing);
      return;
    }
    this.leading = leading;
    this.trailing = trailing;
    this.write(1n, 1);
    this.write(BigInt(leading), 5);
    const significant = 64 - leading - trailing;
    this.write(BigInt(significant), 6); // 64 wraps to 0 in six bits, as in Go
    this.write(delta >> BigInt(trailing), significant);
  }

  private write(value: bigint, n: number): void {
    let u = (value << BigInt(64 - n)) & MASK64;
    for (; n >= 8; n -= 8) {
      this.writeByte(Number(u >> 56n));
      u = (u << 8n) & MASK64;
    }
    for (; n > 0; n--) {
      this.writeBit(Number(u >> 63n));
      u = (u << 1n) & MASK64;
    }
  }

  private writeBit(bit: number): void {
    if (this.free === 0) {
      this.stream.push(0);
      this.free = 8;
    }
    if (bit) this.stream[this.stream.length - 1]! |= 1 << (this.free - 1);
    this.free--;
  }

  /** Like Go's bstream.writeByte, which always appends a byte for the bits that spill over. */
  private writeByte(byte: number): void {
    if (this.free === 0) {
      this.stream.push(0);
      this.free = 8;
    }
    this.stream[this.stream.length - 1]! |= byte >> (8 - this.free);
    this.stream.push((byte << this.free) & 0xff);
  }
}

function bitRange(x: number, n: number): boolean {
  return -(2 ** (n - 1) - 1) <= x && x <= 2 ** (n - 1);
}

function zigzag(n: bigint): bigint {
  return BigInt.asUintN(64, (n << 1n) ^ (n >> 63n));
}

function varint(n: bigint): number[] {
  const out: number[] = [];
  while (n >= 0x80n) {
    out.push(Number(n & 0x7fn) | 0x80);
    n >>= 7n;
  }
  out.push(Number(n));
  return out;
}

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
