import { copyBytes } from "./copy-bytes";
import { uvarintSize, writeInt64, writeSint64, writeUvarint } from "./varint";

/** Room reserved for a length prefix before its message is written; 5 bytes cover 2^35. */
const LENGTH_RESERVE = 5;
const encoder = new TextEncoder();
const EMPTY = new Uint8Array(0);
const EMPTY_VIEW = new DataView(EMPTY.buffer);

/**
 * A growing protobuf output buffer. `buf` and `len` are public so hot paths can write bytes
 * directly after `ensure`.
 */
export class ProtoWriter {
  buf: Uint8Array;
  /** A view of `buf`, for hot paths that store 32 bits at once. */
  view: DataView;
  len = 0;
  /** The size of the next buffer at least: that of the last one `detach` gave away. */
  private nextSize = 0;

  /** `allocate` makes every buffer the writer writes in (of at least the given bytes). */
  constructor(
    initialCapacity = 1024,
    private readonly allocate: (minBytes: number) => Uint8Array = newBuffer,
  ) {
    this.buf = allocate(initialCapacity);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  /** Makes room for `extra` more bytes. */
  ensure(extra: number): void {
    const need = this.len + extra;
    if (need <= this.buf.length) return;
    let size = Math.max(this.buf.length * 2, this.nextSize, 1);
    while (size < need) size *= 2;
    const next = this.allocate(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }

  reset(): void {
    this.len = 0;
  }

  /** A copy of the bytes written so far. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }

  /**
   * The bytes written so far, not copied. The writer goes on empty; its next write takes a new
   * buffer at least as large as the one it gave away (so a writer that grew once does not grow
   * again), and a writer that is not written to again takes none.
   */
  detach(): Uint8Array {
    const out = this.buf.subarray(0, this.len);
    this.nextSize = this.buf.length;
    this.buf = EMPTY;
    this.view = EMPTY_VIEW;
    this.len = 0;
    return out;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  uvarint(n: number): void {
    this.ensure(10);
    this.len = writeUvarint(this.buf, this.len, n);
  }

  int64(n: number): void {
    this.ensure(10);
    this.len = writeInt64(this.buf, this.len, n);
  }

  /** A zigzag varint (sint32, sint64) of a safe integer. */
  sint64(n: number): void {
    this.ensure(10);
    this.len = writeSint64(this.buf, this.len, n);
  }

  /** Eight little-endian bytes from two 32-bit halves. */
  fixed64(lo: number, hi: number): void {
    this.ensure(8);
    const buf = this.buf;
    const p = this.len;
    buf[p] = lo;
    buf[p + 1] = lo >>> 8;
    buf[p + 2] = lo >>> 16;
    buf[p + 3] = lo >>> 24;
    buf[p + 4] = hi;
    buf[p + 5] = hi >>> 8;
    buf[p + 6] = hi >>> 16;
    buf[p + 7] = hi >>> 24;
    this.len = p + 8;
  }

  raw(src: Uint8Array, start: number, end: number): void {
    this.ensure(end - start);
    copyBytes(this.buf, this.len, src, start, end);
    this.len += end - start;
  }

  /** A length-prefixed UTF-8 string (no tag). */
  string(s: string): void {
    const mark = this.fork();
    this.ensure(s.length * 3);
    this.len += encoder.encodeInto(s, this.buf.subarray(this.len)).written;
    this.join(mark);
  }

  /** Reserves room for a length prefix; returns the mark to pass to `join`. */
  fork(): number {
    this.ensure(LENGTH_RESERVE);
    const mark = this.len;
    this.len += LENGTH_RESERVE;
    return mark;
  }

  /** Writes the length of everything since `fork` in front of it, closing the reserved gap. */
  join(mark: number): void {
    const start = mark + LENGTH_RESERVE;
    const size = this.len - start;
    const prefix = uvarintSize(size);
    writeUvarint(this.buf, mark, size);
    if (prefix < LENGTH_RESERVE) {
      this.buf.copyWithin(mark + prefix, start, this.len);
      this.len -= LENGTH_RESERVE - prefix;
    }
  }

  /** Length of the content written since `fork(mark)`. */
  forkedLength(mark: number): number {
    return this.len - mark - LENGTH_RESERVE;
  }
}

function newBuffer(minBytes: number): Uint8Array {
  return new Uint8Array(minBytes);
}
