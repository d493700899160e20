// What the two histogram chunk encodings share (tsdb/chunkenc histogram.go, histogram_meta.go): the
// 3-byte header and the bucket layout written once, before the first sample.
import { MalformedError, UnsupportedHistogramSchemaError } from "../errors";
import { ResetHint } from "../histogram";
import type { BitReader } from "./bit-reader";

/** Sample count (2 bytes, big-endian) and a flags byte whose top two bits are the counter-reset header. */
export const HISTOGRAM_HEADER_SIZE = 3;

/**
 * Most spans, and most buckets, one side of a chunk may have. Far above real histograms (client
 * libraries cap them at 160 buckets; schema 8 over 18 decades is about 15 000) and low enough that a
 * corrupt chunk cannot make us allocate much.
 */
const MAX_SPANS_OR_BUCKETS = 1 << 20;

/** The counter-reset header's values: why the chunk was cut. */
export const CounterResetHeader = { UNKNOWN: 0x00, NOT_RESET: 0x40, RESET: 0x80, GAUGE: 0xc0 } as const;

/**
 * The reset hint Prometheus gives the sample at `index` (0-based) of a chunk with `header`
 * (chunkenc's counterResetHint): a gauge chunk holds gauge histograms only; a counter chunk has no
 * reset after its first sample; the first is a reset only when the header says so, and unknown
 * otherwise (the previous chunk may be gone).
 */
export function resetHintOf(header: number, index: number): ResetHint {
  if (header === CounterResetHeader.GAUGE) return ResetHint.GAUGE;
  if (index > 0) return ResetHint.NO;
  return header === CounterResetHeader.RESET ? ResetHint.YES : ResetHint.UNKNOWN;
}

/** The spans of one side (positive or negative) of a histogram, reused from chunk to chunk. */
export class SpanList {
  offsets = new Int32Array(4);
  lengths = new Uint32Array(4);
  /** Spans in use. */
  count = 0;
  /** Buckets they cover: the sum of their lengths. */
  buckets = 0;

  /** Go's readHistogramChunkLayoutSpans: a varbit count, then per span a varbit length and offset. */
  read(r: BitReader): void {
    const count = r.readVarbitUint();
    // Each span takes at least two bits: refuse counts the chunk cannot hold before allocating.
    if (count * 2 > r.remaining || count > MAX_SPANS_OR_BUCKETS) {
      throw new MalformedError(`histogram chunk with ${count} spans`);
    }
    if (count > this.offsets.length) {
      this.offsets = new Int32Array(count);
      this.lengths = new Uint32Array(count);
    }
    let buckets = 0;
    for (let i = 0; i < count; i++) {
      const length = r.readVarbitUint();
      const offset = r.readVarbitInt();
      if (length > 0xffffffff || offset < -0x80000000 || offset > 0x7fffffff) {
        throw new MalformedError(`histogram span of length ${length} at offset ${offset}`);
      }
      this.lengths[i] = length;
      this.offsets[i] = offset;
      buckets += length;
    }
    if (buckets > MAX_SPANS_OR_BUCKETS) throw new MalformedError(`histogram chunk with ${buckets} buckets`);
    this.count = count;
    this.buckets = buckets;
  }
}

/** A chunk's schema, zero threshold and spans. */
export class HistogramLayout {
  schema = 0;
  /** The zero threshold's IEEE-754 bits, high and low halves. */
  zeroThresholdHi = 0;
  zeroThresholdLo = 0;
  readonly positive = new SpanList();
  readonly negative = new SpanList();

  /** Go's readHistogramChunkLayout. Checks the buckets can fit in what is left of the chunk. */
  read(r: BitReader): void {
    this.readZeroThreshold(r);
    const schema = r.readVarbitInt();
    if (schema < -4 || schema > 8) throw new UnsupportedHistogramSchemaError(schema);
    this.schema = schema;
    this.positive.read(r);
    this.negative.read(r);
    // The first sample spends at least a bit on every bucket.
    const buckets = this.positive.buckets + this.negative.buckets;
    if (buckets > r.remaining) throw new MalformedError(`histogram chunk with ${buckets} buckets`);
  }

  /**
   * One byte: 0 for 0; 255 for the 64 bits that follow; otherwise the power of two 0.5·2^(b−243),
   * whose IEEE-754 exponent field is b + 779 and mantissa zero.
   */
  private readZeroThreshold(r: BitReader): void {
    const b = r.readBits(8);
    if (b === 0) {
      this.zeroThresholdHi = 0;
      this.zeroThresholdLo = 0;
    } else if (b === 255) {
      this.zeroThresholdHi = r.readBits(32);
      this.zeroThresholdLo = r.readBits(32);
    } else {
      this.zeroThresholdHi = (b + 779) << 20;
      this.zeroThresholdLo = 0;
    }
  }
}
