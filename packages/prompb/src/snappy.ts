import { MalformedError, SnappyTooLargeError } from "./errors";
import { loadJsSnappy, loadNativeSnappy, type SnappyCodec } from "./private/snappy-codecs";

const codec = loadCodec();

function loadCodec(): SnappyCodec {
  try {
    return loadNativeSnappy();
  } catch {
    // No prebuilt binary for this platform: the pure-JS codec is slower but equivalent.
    return loadJsSnappy();
  }
}

/** Which snappy implementation is in use: the native binding, or the pure-JS fallback. */
export function snappyBackend(): "native" | "js" {
  return codec.name;
}

/** Snappy block compression (the remote-read/write body format; not the framed stream format). */
export function compressBlock(input: Uint8Array): Buffer {
  return codec.compress(input);
}

/**
 * Uncompresses a snappy block whose announced size is at most `maxBytes`. The size is read from
 * the block's header before anything is allocated, so a small hostile body cannot make us allocate
 * gigabytes (a snappy bomb).
 */
export function uncompressBlock(input: Uint8Array, maxBytes: number): Buffer {
  return uncompressWith(codec, input, maxBytes);
}

export function uncompressWith(impl: SnappyCodec, input: Uint8Array, maxBytes: number): Buffer {
  const size = snappyUncompressedLength(input);
  if (size > maxBytes) throw new SnappyTooLargeError(size, maxBytes);
  let out: Buffer;
  try {
    out = impl.uncompress(input);
  } catch (err) {
    if (err instanceof MalformedError) throw err;
    throw new MalformedError(`invalid snappy block: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
  if (out.length !== size) {
    throw new MalformedError(`snappy block uncompressed to ${out.length} bytes, its header said ${size}`);
  }
  return out;
}

/** The uncompressed length a snappy block announces: a uvarint of at most 32 bits. */
export function snappyUncompressedLength(input: Uint8Array): number {
  let size = 0;
  for (let i = 0; i < 5; i++) {
    const b = input[i];
    if (b === undefined) throw new MalformedError("snappy block ends inside its length header");
    size += (b & 0x7f) * 2 ** (7 * i);
    if (b < 0x80) {
      if (size > 0xffffffff) break;
      return size;
    }
  }
  throw new MalformedError("snappy length header is not a 32-bit varint");
}
