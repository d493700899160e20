import { crc32c } from "./crc32c";
import {
  CrcMismatchError,
  FrameTooLargeError,
  MalformedError,
  StreamAbortedError,
  TruncatedError,
} from "./errors";
import { uvarintSize, writeUvarint } from "./private/varint";

/**
 * Default cap on one frame's data. Prometheus cuts frames at about 1 MiB (plus up to one chunk), so
 * 8 MiB leaves room for other servers while bounding memory.
 */
export const DEFAULT_MAX_FRAME_BYTES = 8 * 1024 * 1024;

/** Longest frame header: a ten-byte uvarint length and a four-byte CRC. */
const MAX_HEADER = 14;

/**
 * Reads the framing of a STREAMED_XOR_CHUNKS remote-read body: each frame is a uvarint data
 * length, the big-endian CRC32-Castagnoli of the data, then the data (one `ChunkedReadResponse`).
 *
 * Feed it the body's pieces as they arrive, in any sizes. Frames wholly inside a piece are handed
 * out in place, as `onFrame(buf, start, end)` with `buf` the piece, without copying or a view per
 * frame; only a frame spanning pieces is assembled in a reused buffer. `buf` is valid only during
 * the call. After an error is thrown the reader is unusable.
 */
export class FrameReader {
  /** Body bytes fed so far. */
  bytesRead = 0;
  /** Frames checked and handed out so far. */
  framesRead = 0;

  private pending = new Uint8Array(0);
  private pendingLen = 0;
  /** Header plus data bytes of the frame in `pending`, or -1 while its header is incomplete. */
  private frameLen = -1;
  // The last header parsed by `parseHeader`.
  private headerLen = 0;
  private dataLen = 0;

  constructor(
    private readonly onFrame: (buf: Uint8Array, start: number, end: number) => void,
    readonly maxFrameBytes: number = DEFAULT_MAX_FRAME_BYTES,
  ) {
    if (!Number.isSafeInteger(maxFrameBytes) || maxFrameBytes < 0) {
      throw new RangeError(`maxFrameBytes must be a non-negative integer, got ${maxFrameBytes}`);
    }
  }

  write(piece: Uint8Array): void {
    this.bytesRead += piece.length;
    let off = 0;
    if (this.pendingLen > 0) {
      off = this.completePending(piece);
      if (off < 0) return;
    }
    const n = piece.length;
    while (off < n) {
      const complete = this.parseHeader(piece, off, n);
      if (!complete || n - off < this.headerLen + this.dataLen) {
        this.stash(piece, off, n, complete);
        return;
      }
      this.emit(piece, off);
      off += this.headerLen + this.dataLen;
    }
  }

  /**
   * Declares the body complete; throws `TruncatedError` if it stopped inside a frame, or
   * `StreamAbortedError` if what it stopped in is the text of a server's error.
   */
  end(): void {
    if (this.pendingLen > 0) {
      const text = errorText(this.pending, 0, this.pendingLen);
      if (text !== undefined) throw new StreamAbortedError(text);
      const of = this.frameLen < 0 ? "an incomplete header" : `a ${this.frameLen}-byte frame`;
      throw new TruncatedError(`stream ended after ${this.pendingLen} bytes of ${of}`);
    }
  }

  /**
   * Moves bytes from `piece` into the partial frame in `pending`; emits it once complete. Returns
   * the offset in `piece` after the frame, or -1 if the piece ran out first.
   */
  private completePending(piece: Uint8Array): number {
    let off = 0;
    if (this.frameLen < 0) {
      off = Math.min(piece.length, MAX_HEADER - this.pendingLen);
      this.append(piece, 0, off);
      if (!this.parseHeader(this.pending, 0, this.pendingLen)) return -1;
      this.frameLen = this.headerLen + this.dataLen;
      if (this.pendingLen > this.frameLen) {
        // Took bytes of the next frame along with this tiny one's header: give them back.
        off -= this.pendingLen - this.frameLen;
        this.pendingLen = this.frameLen;
      }
    }
    const take = Math.min(this.frameLen - this.pendingLen, piece.length - off);
    this.append(piece, off, off + take);
    off += take;
    if (this.pendingLen < this.frameLen) return -1;
    this.emit(this.pending, 0);
    this.pendingLen = 0;
    this.frameLen = -1;
    return off;
  }

  private stash(piece: Uint8Array, start: number, end: number, headerComplete: boolean): void {
    this.pendingLen = 0;
    this.frameLen = headerComplete ? this.headerLen + this.dataLen : -1;
    this.append(piece, start, end);
  }

  private append(src: Uint8Array, start: number, end: number): void {
    const need = this.pendingLen + end - start;
    if (need > this.pending.length) {
      const size = Math.max(
        need,
        this.frameLen,
        Math.min(this.pending.length * 2, this.maxFrameBytes + MAX_HEADER),
      );
      const next = new Uint8Array(size);
      next.set(this.pending.subarray(0, this.pendingLen));
      this.pending = next;
    }
    this.pending.set(src.subarray(start, end), this.pendingLen);
    this.pendingLen = need;
  }

  /**
   * Parses a frame header at `buf[off, end)` into `headerLen` and `dataLen`. False when the header
   * is not all there yet; throws when it announces a frame above the limit.
   */
  private parseHeader(buf: Uint8Array, off: number, end: number): boolean {
    let size = 0;
    let pos = off;
    for (let i = 0; ; i++) {
      if (i === 10) throw new MalformedError("frame length varint longer than ten bytes");
      if (pos >= end) return false;
      const b = buf[pos++]!;
      size += (b & 0x7f) * 2 ** (7 * i);
      if (b < 0x80) break;
    }
    if (size > this.maxFrameBytes) throw new FrameTooLargeError(size, this.maxFrameBytes);
    if (end - pos < 4) return false;
    this.headerLen = pos + 4 - off;
    this.dataLen = size;
    return true;
  }

  /** Checks and hands out the frame whose header (just parsed) starts at `buf[off]`. */
  private emit(buf: Uint8Array, off: number): void {
    const crcAt = off + this.headerLen - 4;
    const expected =
      ((buf[crcAt]! << 24) | (buf[crcAt + 1]! << 16) | (buf[crcAt + 2]! << 8) | buf[crcAt + 3]!) >>> 0;
    const start = off + this.headerLen;
    const stop = start + this.dataLen;
    const actual = crc32c(buf, start, stop);
    if (actual !== expected) {
      const text = errorText(buf, off, stop);
      throw text === undefined
        ? new CrcMismatchError(expected, actual, this.framesRead)
        : new StreamAbortedError(text);
    }
    this.framesRead++;
    this.onFrame(buf, start, stop);
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * `buf[start, end)` as text if it reads as a server's error message rather than a frame: UTF-8
 * without control characters but tab and line breaks, and long enough not to be a frame's header.
 */
function errorText(buf: Uint8Array, start: number, end: number): string | undefined {
  if (end - start < 8) return undefined;
  for (let i = start; i < end; i++) {
    const b = buf[i]!;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return undefined;
    if (b === 0x7f) return undefined;
  }
  try {
    return utf8.decode(buf.subarray(start, end)).trim();
  } catch {
    return undefined;
  }
}

/** Frames `data` the way Prometheus streams it (for servers and tests). */
export function encodeFrame(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(uvarintSize(data.length) + 4 + data.length);
  let p = writeUvarint(out, 0, data.length);
  const crc = crc32c(data);
  out[p++] = crc >>> 24;
  out[p++] = crc >>> 16;
  out[p++] = crc >>> 8;
  out[p++] = crc;
  out.set(data, p);
  return out;
}
