import { MalformedError } from "../errors";
import { chunkSampleCount } from "./chunk-header";
import type { ProtoWriter } from "./proto-writer";
import { writeSampleField } from "./sample-field";

const EMPTY = new Uint8Array(0);
const EMPTY_VIEW = new DataView(EMPTY.buffer);
const TWO_32 = 4294967296;
/**
 * Readable bytes the decoding loop needs after a chunk's end. One sample reads at most 145 bits
 * (a 4 + 64-bit delta of delta or a 10-byte varint, then 13 + 64 bits of value) before the loop
 * checks that it stayed inside the chunk, and each read looks at 5 bytes.
 */
const PAD = 32;
/** Bit positions stay small integers (below 2^31) in the fast path. */
const MAX_DIRECT_BYTES = 1 << 27;

/**
 * Decodes a Prometheus XOR ("Gorilla") chunk exactly as tsdb/chunkenc does, and writes the
 * samples inside a time window straight into remote-write `Sample` fields: this is the loop an
 * import spends its time in, so the cursor and the sample live in local variables while it runs,
 * and nothing is allocated or boxed per sample.
 *
 * The chunk: a 2-byte big-endian sample count; the first timestamp as a signed varint and the
 * first value as 64 raw bits; the second timestamp as a uvarint delta; then delta-of-deltas in the
 * buckets '0', '10'+14 bits, '110'+17, '1110'+20, '1111'+64; values XORed with the previous one:
 * '0' unchanged, '10' reusing the previous leading/trailing zero counts, '11' + 5 bits leading +
 * 6 bits significant (0 meaning 64). Values stay two uint32 halves of their IEEE-754 bits, never a
 * JS number, so NaN payloads (the stale marker 0x7ff0000000000002) survive bit for bit.
 *
 * The cursor is a bit position; every read takes the 32 bits starting there (`peek32`) whatever
 * lies beyond the chunk, and the loop checks once per sample that it did not pass the chunk's end.
 * That needs `PAD` readable bytes after the end: a chunk with fewer is first copied into a
 * zero-padded buffer of the transcoder's own.
 */
export class XorTranscoder {
  /** Timestamp (ms) of the last decoded sample. */
  t = 0;
  /** High and low 32 bits of the last decoded sample's IEEE-754 bits. */
  hi = 0;
  lo = 0;
  /** The last decoded sample is in the window but was not written: `transcode` ran out of room. */
  pending = false;

  /** The memory `view` spans: the whole buffer under the chunk's bytes, not just their view. */
  private buffer: ArrayBufferLike = EMPTY.buffer;
  private view: DataView = EMPTY_VIEW;
  private padded = new Uint8Array(1024);
  /** Next bit to read, and the end of the chunk, as bit positions in `view`. */
  private bp = 0;
  private bitEnd = 0;
  private total = 0;
  private read = 0;
  private tDelta = 0;
  /** The last `readUvarint`'s value: its high and low 32 bits. */
  private varintHi = 0;
  private varintLo = 0;
  private leading = 0;
  private trailing = 0;

  /**
   * Points the decoder at the chunk in `data[start, end)`. Reads run on into the memory after
   * `data` when its buffer has `PAD` bytes there (a frame is a view of a larger socket read or
   * assembly buffer, and a series' last chunk ends its frame): bytes the decoding never uses.
   */
  reset(data: Uint8Array, start = 0, end = data.length): this {
    if (end - start < 2) throw new MalformedError("XOR chunk shorter than its 2-byte header");
    this.total = chunkSampleCount(data, start);
    const base = data.byteOffset;
    const buffer = data.buffer;
    if (base + end + PAD <= buffer.byteLength && buffer.byteLength <= MAX_DIRECT_BYTES) {
      this.use(buffer);
      this.bp = (base + start + 2) * 8;
      this.bitEnd = (base + end) * 8;
    } else {
      const len = end - start - 2;
      if (this.padded.length < len + PAD) this.padded = new Uint8Array(2 * (len + PAD));
      const padded = this.padded;
      padded.set(data.subarray(start + 2, end));
      padded.fill(0, len, len + PAD);
      this.use(padded.buffer);
      this.bp = 0;
      this.bitEnd = len * 8;
    }
    this.read = 0;
    this.t = 0;
    this.hi = 0;
    this.lo = 0;
    this.tDelta = 0;
    this.leading = 0;
    this.trailing = 0;
    this.pending = false;
    return this;
  }

  private use(buffer: ArrayBufferLike): void {
    if (buffer === this.buffer) return;
    this.buffer = buffer;
    this.view = new DataView(buffer);
  }

  /** Samples the chunk holds, per its header. */
  get length(): number {
    return this.total;
  }

  /**
   * Decodes on from where the last call stopped and writes the samples with timestamps in
   * [minMs, maxMs] to `out`, which has room for `room` samples whose timestamps are at most
   * `sizeUpTo` (so that each takes the same bytes). Returns how many it wrote. It stops at the
   * chunk's end, after the window, or with `pending` set at the first in-window sample it has no
   * room for: that sample (`t`, `hi`, `lo`) is written first by the next call. With `room` 0 it
   * stops at every in-window sample, which is how `XorChunkIterator` steps through a chunk.
   * Throws `MalformedError` on a truncated or malformed chunk.
   */
  transcode(out: ProtoWriter | null, minMs: number, maxMs: number, room: number, sizeUpTo: number): number {
    const data = this.view;
    const bitEnd = this.bitEnd;
    const total = this.total;
    const buf = out === null ? EMPTY : out.buf;
    const view = out === null ? EMPTY_VIEW : out.view;
    let p = out === null ? 0 : out.len;
    let bp = this.bp;
    let read = this.read;
    let t = this.t;
    let tDelta = this.tDelta;
    let hi = this.hi;
    let lo = this.lo;
    let leading = this.leading;
    let trailing = this.trailing;
    let pending = this.pending;
    let written = 0;
    for (;;) {
      if (!pending) {
        if (read >= total) break;
        if (read === 0) {
          // The first sample: a signed varint timestamp and 64 raw bits.
          this.bp = bp;
          t = this.readSignedVarint();
          bp = this.bp;
          hi = peek32(data, bp) >>> 0;
          lo = peek32(data, bp + 32) >>> 0;
          bp += 64;
        } else {
          if (read === 1) {
            this.bp = bp;
            tDelta = this.readFirstDelta();
            bp = this.bp;
          } else {
            const w = peek32(data, bp);
            if (w >= 0) {
              bp += 1;
            } else if ((w & 0x40000000) === 0) {
              // '10' + 14 bits: a delta of delta above 2^13 is negative (Go's bstream reader).
              const bits = (w >>> 16) & 0x3fff;
              tDelta += bits > 0x2000 ? bits - 0x4000 : bits;
              bp += 16;
            } else if ((w & 0x20000000) === 0) {
              const bits = (w >>> 12) & 0x1ffff;
              tDelta += bits > 0x10000 ? bits - 0x20000 : bits;
              bp += 20;
            } else if ((w & 0x10000000) === 0) {
              const bits = (w >>> 8) & 0xfffff;
              tDelta += bits > 0x80000 ? bits - 0x100000 : bits;
              bp += 24;
            } else {
              // '1111': 64 bits.
              const high = peek32(data, bp + 4);
              tDelta += high * TWO_32 + (peek32(data, bp + 36) >>> 0);
              bp += 68;
            }
          }
          t += tDelta;
          const w = peek32(data, bp);
          if (w >= 0) {
            // '0': the value repeats.
            bp += 1;
          } else {
            if ((w & 0x40000000) === 0) {
              bp += 2;
            } else {
              leading = (w >>> 25) & 0x1f;
              let significant = (w >>> 19) & 0x3f;
              bp += 13;
              if (significant === 0) significant = 64;
              if (leading + significant > 64) {
                if (bp > bitEnd) throw truncated();
                throw new MalformedError(`XOR value with ${leading} + ${significant} bits`);
              }
              trailing = 64 - leading - significant;
            }
            // The significant bits, shifted left by `trailing` into xhi:xlo.
            const significant = 64 - leading - trailing;
            let xhi: number;
            let xlo: number;
            if (significant <= 32) {
              const v = peek32(data, bp) >>> (32 - significant);
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
              const high = peek32(data, bp) >>> (64 - significant);
              const low = peek32(data, bp + significant - 32);
              if (trailing === 0) {
                xhi = high;
                xlo = low;
              } else {
                xhi = (high << trailing) | (low >>> (32 - trailing));
                xlo = low << trailing;
              }
            }
            bp += significant;
            hi = (hi ^ xhi) >>> 0;
            lo = (lo ^ xlo) >>> 0;
          }
        }
        if (bp > bitEnd) throw truncated();
        read++;
        if (t < minMs) continue;
        if (t > maxMs) {
          // The rest of the chunk lies after the window.
          read = total;
          break;
        }
      }
      if (room === 0 || t > sizeUpTo) {
        pending = true;
        break;
      }
      pending = false;
      p = writeSampleField(buf, view, p, t, hi, lo);
      room--;
      written++;
    }
    if (out !== null) out.len = p;
    this.bp = bp;
    this.read = read;
    this.t = t;
    this.tDelta = tDelta;
    this.hi = hi;
    this.lo = lo;
    this.leading = leading;
    this.trailing = trailing;
    this.pending = pending;
    return written;
  }

  /** The second sample's timestamp delta: a uvarint, which Go adds as an int64 (it may wrap negative). */
  private readFirstDelta(): number {
    this.readUvarint();
    return (this.varintHi | 0) * TWO_32 + this.varintLo;
  }

  /** The first timestamp: a zig-zag varint (Go's binary.ReadVarint over the bit stream). */
  private readSignedVarint(): number {
    this.readUvarint();
    const hi = this.varintHi;
    const lo = this.varintLo;
    // (u >>> 1) ^ -(u & 1), over 64 bits.
    const half = (hi >>> 1) * TWO_32 + (((hi << 31) | (lo >>> 1)) >>> 0);
    return lo & 1 ? -half - 1 : half;
  }

  /** A uvarint of up to 64 bits from the bit stream, into `varintHi` and `varintLo` (unsigned). */
  private readUvarint(): void {
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      const b = peek32(this.view, this.bp) >>> 24;
      this.bp += 8;
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
        this.varintHi = hi >>> 0;
        this.varintLo = lo >>> 0;
        return;
      }
    }
    if (this.bp > this.bitEnd) throw truncated();
    throw new MalformedError("XOR chunk varint longer than ten bytes");
  }
}

/**
 * The 32 bits from bit `bp` on (most significant first), as an int32. Reads the five bytes around
 * them whether or not they belong to the chunk: the caller keeps `PAD` bytes after it readable.
 */
function peek32(d: DataView, bp: number): number {
  const i = bp >>> 3;
  const s = bp & 7;
  return (d.getUint32(i) << s) | (d.getUint8(i + 4) >>> (8 - s));
}

function truncated(): MalformedError {
  return new MalformedError("chunk ends before its last sample");
}
