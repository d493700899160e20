/** Stable codes of the errors the wire codec throws; callers switch on these, never on messages. */
export type PrompbErrorCode =
  | "crc_mismatch"
  | "frame_too_large"
  | "truncated"
  | "snappy_too_large"
  | "malformed"
  | "unsupported_chunk_encoding"
  | "unsupported_histogram_schema"
  | "stream_aborted";

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
    /** 0-based index of the frame in the stream, when known. */
    readonly frame?: number,
  ) {
    super(
      `streamed remote-read frame${frame === undefined ? "" : ` ${frame}`} is corrupt: checksum mismatch, ` +
        `header says 0x${hex32(expected)}, data has 0x${hex32(actual)}`,
    );
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

/**
 * A streamed response stopped with text where a frame should be: a server that meets an error
 * after it has sent its 200 status and some frames can only write the error into the body, as
 * Prometheus does (e.g. 2.42 on gauge histograms: "iterate chunk while re-encoding: detected
 * unexpected counter reset in histogram").
 */
export class StreamAbortedError extends PrompbError {
  override readonly code = "stream_aborted";
  override readonly name = "StreamAbortedError";
  constructor(readonly serverMessage: string) {
    super(`the server aborted the stream: ${serverMessage}`);
  }
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

/** A chunk encoding this codec cannot decode (UNKNOWN = 0, or one newer than FLOAT_HISTOGRAM = 3). */
export class UnsupportedChunkEncodingError extends PrompbError {
  override readonly code = "unsupported_chunk_encoding";
  override readonly name = "UnsupportedChunkEncodingError";
  constructor(readonly encoding: number) {
    super(`chunk encoding ${encoding} is not supported (only XOR = 1, HISTOGRAM = 2, FLOAT_HISTOGRAM = 3)`);
  }
}

/**
 * A histogram chunk with a schema this codec cannot carry: only the exponential schemas -4 to 8
 * exist in Prometheus 2.42 (custom-bucket schema -53 came later, with a chunk layout of its own).
 */
export class UnsupportedHistogramSchemaError extends PrompbError {
  override readonly code = "unsupported_histogram_schema";
  override readonly name = "UnsupportedHistogramSchemaError";
  constructor(readonly schema: number) {
    super(`histogram schema ${schema} is not supported (only -4 to 8)`);
  }
}

export function isPrompbError(err: unknown): err is PrompbError {
  return err instanceof PrompbError;
}

function hex32(n: number): string {
  return n.toString(16).padStart(8, "0");
}
