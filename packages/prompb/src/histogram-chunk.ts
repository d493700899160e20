import { MalformedError } from "./errors";
import { HistogramChunkCursor } from "./private/histogram-chunk-cursor";
import { HistogramLayout } from "./private/histogram-layout";

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const STALE_HI = 0x7ff00000;
const STALE_LO = 0x00000002;

/**
 * A reusable cursor over a Prometheus native histogram chunk with integer counts (encoding
 * HISTOGRAM = 2), decoding exactly as tsdb/chunkenc's histogramIterator does. After a 3-byte header
 * (sample count, counter-reset flags) comes the layout (zero threshold, schema, positive and
 * negative spans), then per sample: the timestamp, count and zero count (raw for the first sample,
 * then delta-of-delta, all varbit), the sum (64 raw bits, then XOR as in float chunks), and one
 * value per bucket: the bucket's difference to the previous bucket, as prompb's `*_deltas` carry
 * it (raw, then delta-of-delta). A stale marker (sum = Prometheus's stale NaN) carries no buckets.
 *
 * The current sample is read from the fields below; `buckets` holds the positive buckets' values
 * first, then the negative ones, as many as `layout.positive.buckets` and `layout.negative.buckets`.
 * Integers are exact: a chunk whose values leave ±2^53 throws `MalformedError`. Nothing is
 * allocated per sample.
 */
export class HistogramChunkIterator extends HistogramChunkCursor {
  /** Timestamp (ms) of the current sample. */
  t = 0;
  count = 0;
  zeroCount = 0;
  /** High and low halves of the sum's IEEE-754 bits. */
  sumHi = 0;
  sumLo = 0;
  /** Schema, zero threshold and spans: the same for every sample of the chunk. */
  readonly layout = new HistogramLayout();
  /** Per bucket, the difference of its count to the previous bucket's (positive buckets, then negative). */
  buckets = new Float64Array(16);

  /** The sum and its XOR leading/trailing zeros, in `BitReader.readXor`'s slot layout. */
  private readonly sum = new Uint32Array(2);
  private readonly sumZeros = new Uint8Array(2);
  private bucketDeltas = new Float64Array(16);
  private tDelta = 0;
  private countDelta = 0;
  private zeroCountDelta = 0;

  /** Whether the current sample is a stale marker: then only `t` and the sum mean anything. */
  get isStale(): boolean {
    return this.sumHi === STALE_HI && this.sumLo === STALE_LO;
  }

  /** Moves to the next sample; false at the end. Throws `MalformedError` on a bad chunk. */
  next(): boolean {
    const n = this.read;
    if (n >= this.total) return false;
    const r = this.bits;
    const sum = this.sum;
    if (n === 0) {
      this.layout.read(r);
      const nb = this.layout.positive.buckets + this.layout.negative.buckets;
      if (nb > this.buckets.length) {
        this.buckets = new Float64Array(nb);
        this.bucketDeltas = new Float64Array(nb);
      }
      this.t = r.readVarbitInt();
      this.count = r.readVarbitUint();
      this.zeroCount = r.readVarbitUint();
      sum[0] = r.readBits(32);
      sum[1] = r.readBits(32);
      this.sumZeros.fill(0);
      this.tDelta = 0;
      this.countDelta = 0;
      this.zeroCountDelta = 0;
      const buckets = this.buckets;
      const deltas = this.bucketDeltas;
      for (let i = 0; i < nb; i++) {
        buckets[i] = r.readVarbitInt();
        deltas[i] = 0;
      }
    } else {
      this.tDelta += r.readVarbitInt();
      this.t += this.tDelta;
      if (this.t > MAX_SAFE || this.t < -MAX_SAFE) throw beyond("timestamp");
      this.countDelta += r.readVarbitInt();
      this.count += this.countDelta;
      this.zeroCountDelta += r.readVarbitInt();
      this.zeroCount += this.zeroCountDelta;
      r.readXor(sum, this.sumZeros, 0);
      if (!(sum[0] === STALE_HI && sum[1] === STALE_LO)) {
        const nb = this.layout.positive.buckets + this.layout.negative.buckets;
        const buckets = this.buckets;
        const deltas = this.bucketDeltas;
        for (let i = 0; i < nb; i++) {
          const delta = deltas[i]! + r.readVarbitInt();
          const value = buckets[i]! + delta;
          if (value > MAX_SAFE || value < -MAX_SAFE || delta > MAX_SAFE || delta < -MAX_SAFE) {
            throw beyond("bucket");
          }
          deltas[i] = delta;
          buckets[i] = value;
        }
      }
    }
    this.sumHi = sum[0]!;
    this.sumLo = sum[1]!;
    // Go keeps counts in uint64s and would wrap; only a stale marker may leave them meaningless.
    if (
      !this.isStale &&
      (this.count < 0 || this.count > MAX_SAFE || this.zeroCount < 0 || this.zeroCount > MAX_SAFE)
    ) {
      throw beyond("count");
    }
    this.read = n + 1;
    return true;
  }
}

function beyond(what: string): MalformedError {
  return new MalformedError(`histogram chunk ${what} out of range (negative count, or beyond ±2^53)`);
}
