/** Stable codes of the errors the wire codec throws; callers switch on these, never on messages. */
export type PrompbErrorCode =
  | "crc_mismatch"
  | "frame_too_large"
  | "truncated"
  | "snappy_too_large"
  | "malformed"
  | "unsupported_chunk_encoding";

/** Base class of every error the codec throws on bad input. */
export abstract class PrompbError extends Error {
  abstract readonly code: PrompbErrorCode;
}

/** A streamed frame's data does not match its CRC32-Castagnoli. */
export class CrcMismatchError extends PrompbError {
  override readonly code = "crc_mismatch";
  override readonly name = "CrcMismatchError";
  constructor(
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`frame checksum mismatch: header says 0x${hex32(expected)}, data has 0x${hex32(actual)}`);
  }
}

/** A streamed frame announces more data than the reader accepts. */
export class FrameTooLargeError extends PrompbError {
  override readonly code = "frame_too_large";
  override readonly name = "FrameTooLargeError";
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`frame of ${size} bytes exceeds the limit of ${limit} bytes`);
  }
}

/** The input ended inside a frame, message or chunk. */
export class TruncatedError extends PrompbError {
  override readonly code = "truncated";
  override readonly name = "TruncatedError";
}

/** A snappy block announces an uncompressed size above the caller's limit (a snappy bomb). */
export class SnappyTooLargeError extends PrompbError {
  override readonly code = "snappy_too_large";
  override readonly name = "SnappyTooLargeError";
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`snappy block would uncompress to ${size} bytes, above the limit of ${limit} bytes`);
  }
}

/** Bytes that are not what the protocol says they must be (bad varint, field, chunk, snappy data). */
export class MalformedError extends PrompbError {
  override readonly code = "malformed";
  override readonly name = "MalformedError";
}

/** A chunk encoding this codec cannot decode yet (native histograms, unknown). */
export class UnsupportedChunkEncodingError extends PrompbError {
  override readonly code = "unsupported_chunk_encoding";
  override readonly name = "UnsupportedChunkEncodingError";
  constructor(readonly encoding: number) {
    super(`chunk encoding ${encoding} is not supported (only XOR = 1)`);
  }
}

export function isPrompbError(err: unknown): err is PrompbError {
  return err instanceof PrompbError;
}

function hex32(n: number): string {
  return n.toString(16).padStart(8, "0");
}
