import { XorTranscoder } from "./private/xor-transcoder";

/** `prometheus.Chunk.Encoding`. */
export const ChunkEncoding = { UNKNOWN: 0, XOR: 1, HISTOGRAM: 2, FLOAT_HISTOGRAM: 3 } as const;
export type ChunkEncoding = (typeof ChunkEncoding)[keyof typeof ChunkEncoding];

const scratch = new DataView(new ArrayBuffer(8));

/**
 * A reusable cursor over a Prometheus XOR ("Gorilla") chunk, one sample at a time; the decoding
 * is `XorTranscoder`'s, which the import path runs in bulk. Values are kept as their raw IEEE-754
 * bits in two uint32 halves (`hi`, `lo`), never as a JS number, so NaN payloads (Prometheus's
 * stale marker 0x7ff0000000000002) survive bit for bit. Nothing is allocated per sample.
 */
export class XorChunkIterator {
  private readonly decoder = new XorTranscoder();

  /** Points the cursor at the chunk in `data[start, end)`. */
  reset(data: Uint8Array, start = 0, end = data.length): this {
    this.decoder.reset(data, start, end);
    return this;
  }

  /** Samples the chunk holds, per its header. */
  get length(): number {
    return this.decoder.length;
  }

  /** Timestamp (ms) of the current sample. */
  get t(): number {
    return this.decoder.t;
  }

  /** High 32 bits of the current value's IEEE-754 bits. */
  get hi(): number {
    return this.decoder.hi;
  }

  /** Low 32 bits of the current value's IEEE-754 bits. */
  get lo(): number {
    return this.decoder.lo;
  }

  /** Moves to the next sample; false at the end. Throws `MalformedError` on a truncated chunk. */
  next(): boolean {
    const d = this.decoder;
    d.pending = false;
    // With no room, the decoder stops at the next sample and holds it as pending.
    d.transcode(null, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, 0, -1);
    return d.pending;
  }

  /** The current value as a JS number (NaN payloads may not survive arithmetic on it). */
  value(): number {
    scratch.setUint32(0, this.hi);
    scratch.setUint32(4, this.lo);
    return scratch.getFloat64(0);
  }

  /** The current value's bits as a bigint (allocates: for tests and slow paths). */
  valueBits(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }
}
