import { MalformedError } from "../errors";
import { chunkSampleCount } from "./chunk-header";
import type { ProtoWriter } from "./proto-writer";
import { writeSampleField } from "./sample-field";

const EMPTY = new Uint8Array(0);
const TWO_32 = 4294967296;

/**
 * Decodes a Prometheus XOR ("Gorilla") chunk exactly as tsdb/chunkenc does, and writes the
 * samples inside a time window straight into remote-write `Sample` fields: this is the loop an
 * import spends its time in, so the bit cursor and the sample live in local variables while it
 * runs, and nothing is allocated or boxed per sample.
 *
 * The chunk: a 2-byte big-endian sample count; the first timestamp as a signed varint and the
 * first value as 64 raw bits; the second timestamp as a uvarint delta; then delta-of-deltas in the
 * buckets '0', '10'+14 bits, '110'+17, '1110'+20, '1111'+64; values XORed with the previous one:
 * '0' unchanged, '10' reusing the previous leading/trailing zero counts, '11' + 5 bits leading +
 * 6 bits significant (0 meaning 64). Values stay two uint32 halves of their IEEE-754 bits, never a
 * JS number, so NaN payloads (the stale marker 0x7ff0000000000002) survive bit for bit.
 *
 * Bits are read most significant first from `word`, whose top `valid` bits are unread (the rest
 * are zero); it is topped up a byte at a time to at least 25 bits, so a delta-of-delta (at most
 * 4 + 20 bits) or a value's header (2 + 11 bits) needs one top-up.
 */
export class XorTranscoder {
  /** Timestamp (ms) of the last decoded sample. */
  t = 0;
  /** High and low 32 bits of the last decoded sample's IEEE-754 bits. */
  hi = 0;
  lo = 0;
  /** The last decoded sample is in the window but was not written: `transcode` ran out of room. */
  pending = false;

  private data: Uint8Array = EMPTY;
  /** Next byte to load, and the end of the chunk. */
  private pos = 0;
  private end = 0;
  private word = 0;
  private valid = 0;
  private total = 0;
  private read = 0;
  private tDelta = 0;
  private leading = 0;
  private trailing = 0;
  /** Result of `readUvarint`. */
  private varHi = 0;
  private varLo = 0;

  /** Points the decoder at the chunk in `data[start, end)`. */
  reset(data: Uint8Array, start = 0, end = data.length): this {
    if (end - start < 2) throw new MalformedError("XOR chunk shorter than its 2-byte header");
    this.total = chunkSampleCount(data, start);
    this.data = data;
    this.pos = start + 2;
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
    this.pending = false;
    return this;
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
    const data = this.data;
    const end = this.end;
    const total = this.total;
    const buf = out === null ? EMPTY : out.buf;
    let p = out === null ? 0 : out.len;
    let pos = this.pos;
    let word = this.word;
    let valid = this.valid;
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
          this.pos = pos;
          this.word = word;
          this.valid = valid;
          t = this.readSignedVarint();
          hi = this.readWord();
          lo = this.readWord();
          pos = this.pos;
          word = this.word;
          valid = this.valid;
        } else {
          if (read === 1) {
            this.pos = pos;
            this.word = word;
            this.valid = valid;
            tDelta = this.readFirstDelta();
            pos = this.pos;
            word = this.word;
            valid = this.valid;
          } else {
            while (valid <= 24 && pos < end) {
              word |= data[pos++]! << (24 - valid);
              valid += 8;
            }
            const ones = Math.clz32(~word);
            if (ones === 0) {
              if (valid === 0) throw truncated();
              word <<= 1;
              valid -= 1;
            } else if (ones < 4) {
              // '10', '110', '1110': a 14-, 17- or 20-bit delta of delta.
              const width = ones === 1 ? 14 : ones === 2 ? 17 : 20;
              if (valid < ones + 1 + width) throw truncated();
              word <<= ones + 1;
              const bits = word >>> (32 - width);
              word <<= width;
              valid -= ones + 1 + width;
              tDelta += bits > 1 << (width - 1) ? bits - (1 << width) : bits;
            } else {
              // '1111': 64 bits.
              if (valid < 4) throw truncated();
              this.pos = pos;
              this.word = word << 4;
              this.valid = valid - 4;
              const high = this.readWord();
              tDelta += (high | 0) * TWO_32 + this.readWord();
              pos = this.pos;
              word = this.word;
              valid = this.valid;
            }
          }
          t += tDelta;
          while (valid <= 24 && pos < end) {
            word |= data[pos++]! << (24 - valid);
            valid += 8;
          }
          if (valid === 0) throw truncated();
          if (word >= 0) {
            // '0': the value repeats.
            word <<= 1;
            valid -= 1;
          } else {
            if (valid < 2) throw truncated();
            const fresh = word & 0x40000000;
            word <<= 2;
            valid -= 2;
            if (fresh !== 0) {
              if (valid < 11) throw truncated();
              leading = word >>> 27;
              let significant = (word >>> 21) & 0x3f;
              word <<= 11;
              valid -= 11;
              if (significant === 0) significant = 64;
              if (leading + significant > 64)
                throw new MalformedError(`XOR value with ${leading} + ${significant} bits`);
              trailing = 64 - leading - significant;
            }
            // The significant bits, right-aligned in xhi:xlo, read 24 at a time.
            let left = 64 - leading - trailing;
            let xhi = 0;
            let xlo = 0;
            while (left > 0) {
              while (valid <= 24 && pos < end) {
                word |= data[pos++]! << (24 - valid);
                valid += 8;
              }
              const k = Math.min(left, 24);
              if (valid < k) throw truncated();
              const part = word >>> (32 - k);
              word <<= k;
              valid -= k;
              xhi = ((xhi << k) | (xlo >>> (32 - k))) >>> 0;
              xlo = ((xlo << k) | part) >>> 0;
              left -= k;
            }
            if (trailing >= 32) {
              xhi = xlo << (trailing - 32);
              xlo = 0;
            } else if (trailing > 0) {
              xhi = (xhi << trailing) | (xlo >>> (32 - trailing));
              xlo <<= trailing;
            }
            hi = (hi ^ xhi) >>> 0;
            lo = (lo ^ xlo) >>> 0;
          }
        }
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
      p = writeSampleField(buf, p, t, hi, lo);
      room--;
      written++;
    }
    if (out !== null) out.len = p;
    this.pos = pos;
    this.word = word;
    this.valid = valid;
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
    return (this.varHi | 0) * TWO_32 + this.varLo;
  }

  /** The first timestamp: a zig-zag varint (Go's binary.ReadVarint over the bit stream). */
  private readSignedVarint(): number {
    this.readUvarint();
    const hi = this.varHi;
    const lo = this.varLo;
    // (u >>> 1) ^ -(u & 1), over 64 bits.
    const half = (hi >>> 1) * TWO_32 + (((hi << 31) | (lo >>> 1)) >>> 0);
    return lo & 1 ? -half - 1 : half;
  }

  /** A uvarint of up to 64 bits from the bit stream, into `varHi` and `varLo`. */
  private readUvarint(): void {
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
        this.varLo = lo >>> 0;
        this.varHi = hi >>> 0;
        return;
      }
    }
    throw new MalformedError("XOR chunk varint longer than ten bytes");
  }

  /** 32 bits as an unsigned number. */
  private readWord(): number {
    return this.readBits(16) * 65536 + this.readBits(16);
  }

  /** 1 to 24 bits as an unsigned number, off the fields (the slow path for a chunk's head). */
  private readBits(n: number): number {
    const data = this.data;
    let word = this.word;
    let valid = this.valid;
    let pos = this.pos;
    while (valid <= 24 && pos < this.end) {
      word |= data[pos++]! << (24 - valid);
      valid += 8;
    }
    if (valid < n) throw truncated();
    this.word = word << n;
    this.valid = valid - n;
    this.pos = pos;
    return word >>> (32 - n);
  }
}

function truncated(): MalformedError {
  return new MalformedError("chunk ends before its last sample");
}
