import { MalformedError } from "../errors";

const TWO_32 = 4294967296;
const EMPTY = new Uint8Array(0);

/** Wire types of the protobuf encoding. */
export const WireType = { VARINT: 0, FIXED64: 1, BYTES: 2, FIXED32: 5 } as const;

/**
 * A cursor over protobuf bytes in `buf[pos, end)`. One instance is reused per nesting level, so
 * reading a message allocates nothing. Every read checks `end` and throws `MalformedError`.
 */
export class WireReader {
  buf: Uint8Array = EMPTY;
  pos = 0;
  end = 0;
  /** Low and high 32 bits of the last 64-bit value read by `varint64` or `fixed64`. */
  lo = 0;
  hi = 0;

  reset(buf: Uint8Array, start = 0, end = buf.length): this {
    this.buf = buf;
    this.pos = start;
    this.end = end;
    return this;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** A uint64 varint as a number: exact up to 2^53, rounded above. */
  uvarint(): number {
    const pos = this.pos;
    if (pos < this.end) {
      const b = this.buf[pos]!;
      if (b < 0x80) {
        this.pos = pos + 1;
        return b;
      }
    }
    this.varint64();
    return this.hi * TWO_32 + this.lo;
  }

  /** An int64 varint (two's complement, ten bytes when negative) as a number, exact within ±2^53. */
  int64(): number {
    const pos = this.pos;
    if (pos < this.end) {
      const b = this.buf[pos]!;
      if (b < 0x80) {
        this.pos = pos + 1;
        return b;
      }
    }
    this.varint64();
    return (this.hi | 0) * TWO_32 + this.lo;
  }

  /** Reads a varint of up to ten bytes into `lo` and `hi`. */
  varint64(): void {
    const buf = this.buf;
    const end = this.end;
    let pos = this.pos;
    let lo = 0;
    let hi = 0;
    let b = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= end) throw truncated();
      b = buf[pos++]!;
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.set(pos, lo, 0);
        return;
      }
    }
    if (pos >= end) throw truncated();
    b = buf[pos++]!;
    lo |= (b & 0x0f) << 28;
    hi = (b & 0x7f) >>> 4;
    if (b < 0x80) {
      this.set(pos, lo, hi);
      return;
    }
    for (let shift = 3; shift < 32; shift += 7) {
      if (pos >= end) throw truncated();
      b = buf[pos++]!;
      hi |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.set(pos, lo, hi);
        return;
      }
    }
    throw new MalformedError("varint longer than ten bytes");
  }

  /** Reads eight little-endian bytes into `lo` and `hi`. */
  fixed64(): void {
    const pos = this.pos;
    if (pos + 8 > this.end) throw truncated();
    const buf = this.buf;
    this.lo = (buf[pos]! | (buf[pos + 1]! << 8) | (buf[pos + 2]! << 16) | (buf[pos + 3]! << 24)) >>> 0;
    this.hi = (buf[pos + 4]! | (buf[pos + 5]! << 8) | (buf[pos + 6]! << 16) | (buf[pos + 7]! << 24)) >>> 0;
    this.pos = pos + 8;
  }

  /**
   * Reads a length prefix and checks the payload fits. Leaves `pos` at the payload's start and
   * returns the offset just past it.
   */
  lengthDelimited(): number {
    const len = this.uvarint();
    const stop = this.pos + len;
    if (stop > this.end) throw new MalformedError(`length ${len} runs past the end of its message`);
    return stop;
  }

  /**
   * Moves to the next length-delimited field `tag`, skipping the other fields. Returns the offset
   * just past its bytes, with `pos` at their start, or -1 at the end of the message. The caller
   * sets `pos` to the returned offset before asking for the next one.
   */
  nextField(tag: number): number {
    while (!this.done) {
      const t = this.uvarint();
      if (t === tag) return this.lengthDelimited();
      this.skipField(t);
    }
    return -1;
  }

  /** Skips the value of a field whose tag was just read. */
  skipField(tag: number): void {
    if (tag < 8) throw new MalformedError(`invalid field number 0 in tag ${tag}`);
    switch (tag & 7) {
      case WireType.VARINT:
        this.varint64();
        return;
      case WireType.FIXED64:
        this.advance(8);
        return;
      case WireType.BYTES:
        this.pos = this.lengthDelimited();
        return;
      case WireType.FIXED32:
        this.advance(4);
        return;
      default:
        throw new MalformedError(`unsupported wire type ${tag & 7}`);
    }
  }

  private advance(n: number): void {
    if (this.pos + n > this.end) throw truncated();
    this.pos += n;
  }

  private set(pos: number, lo: number, hi: number): void {
    this.pos = pos;
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
  }
}

function truncated(): MalformedError {
  return new MalformedError("message ends inside a field");
}
