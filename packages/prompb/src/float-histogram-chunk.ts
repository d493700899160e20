import { MalformedError } from "./errors";
import { HistogramChunkCursor } from "./private/histogram-chunk-cursor";
import { HistogramLayout } from "./private/histogram-layout";

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const STALE_HI = 0x7ff00000;
const STALE_LO = 0x00000002;
/** Slots of `values`: the count, the zero count and the sum come before the buckets. */
const COUNT = 0;
const ZERO_COUNT = 1;
const SUM = 2;
const FIRST_BUCKET = 3;

/**
 * A reusable cursor over a Prometheus native histogram chunk with float counts (encoding
 * FLOAT_HISTOGRAM = 3), decoding exactly as tsdb/chunkenc's floatHistogramIterator does: the same
 * header and layout as integer histogram chunks, then per sample the timestamp (varbit, then
 * delta-of-delta) and the count, zero count, sum and every bucket's absolute count as floats (64
 * raw bits, then XOR, each with its own leading/trailing zeros). A stale marker carries no buckets.
 *
 * Every float stays as the two uint32 halves of its IEEE-754 bits in `values`: slot i is
 * `values[2i]` (high) and `values[2i + 1]` (low); slot 0 is the count, 1 the zero count, 2 the sum,
 * then the positive buckets, then the negative ones. Nothing is allocated per sample.
 */
export class FloatHistogramChunkIterator extends HistogramChunkCursor {
  /** Timestamp (ms) of the current sample. */
  t = 0;
  /** Schema, zero threshold and spans: the same for every sample of the chunk. */
  readonly layout = new HistogramLayout();
  /** IEEE-754 bits of the current sample's floats, in slots (see the class comment). */
  values = new Uint32Array(2 * (FIRST_BUCKET + 16));

  /** Leading and trailing zeros of each slot's last XOR. */
  private zeros = new Uint8Array(2 * (FIRST_BUCKET + 16));
  private tDelta = 0;

  /** Whether the current sample is a stale marker: then only `t` and the sum mean anything. */
  get isStale(): boolean {
    return this.values[2 * SUM] === STALE_HI && this.values[2 * SUM + 1] === STALE_LO;
  }

  /** Slot of the first positive bucket; the negative ones follow the positive ones. */
  get firstBucketSlot(): number {
    return FIRST_BUCKET;
  }

  /** Moves to the next sample; false at the end. Throws `MalformedError` on a bad chunk. */
  next(): boolean {
    const n = this.read;
    if (n >= this.total) return false;
    const r = this.bits;
    const values = this.values;
    if (n === 0) {
      this.layout.read(r);
      const slots = FIRST_BUCKET + this.layout.positive.buckets + this.layout.negative.buckets;
      if (2 * slots > values.length) {
        this.values = new Uint32Array(2 * slots);
        this.zeros = new Uint8Array(2 * slots);
      }
      this.t = r.readVarbitInt();
      this.tDelta = 0;
      const v = this.values;
      for (let i = 0; i < 2 * slots; i++) v[i] = r.readBits(32);
      this.zeros.fill(0, 0, 2 * slots);
    } else {
      this.tDelta += r.readVarbitInt();
      this.t += this.tDelta;
      if (this.t > MAX_SAFE || this.t < -MAX_SAFE)
        throw new MalformedError("histogram chunk timestamp out of range");
      const zeros = this.zeros;
      r.readXor(values, zeros, COUNT);
      r.readXor(values, zeros, ZERO_COUNT);
      r.readXor(values, zeros, SUM);
      if (!this.isStale) {
        const slots = FIRST_BUCKET + this.layout.positive.buckets + this.layout.negative.buckets;
        for (let i = FIRST_BUCKET; i < slots; i++) r.readXor(values, zeros, i);
      }
    }
    this.read = n + 1;
    return true;
  }
}
