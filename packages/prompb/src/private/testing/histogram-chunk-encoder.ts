// Test support: Prometheus's histogram chunk appenders (tsdb/chunkenc appendHistogram and
// appendFloatHistogram) without their recoding: every histogram appended must have the layout of
// the first one (schema, zero threshold, spans), as in any chunk Prometheus finished. Slow (bigints),
// and only here to build chunks the real decoders must read back and to re-encode real ones.
import type { BucketSpan, FloatHistogram, Histogram, IntegerHistogram } from "../../histogram";
import { BitWriter, type XorState } from "./bit-writer";

const STALE = 0x7ff0000000000002n;

/** An integer or float histogram chunk being built; `header` is the counter-reset flags byte. */
export class HistogramChunkEncoder {
  private readonly w = new BitWriter([0, 0, 0]);
  private count = 0;
  private t = 0;
  private tDelta = 0;
  // Integer histograms: count, zero count and buckets as numbers with their deltas.
  private cnt = 0;
  private zCnt = 0;
  private cntDelta = 0;
  private zCntDelta = 0;
  private buckets: number[] = [];
  private bucketDeltas: number[] = [];
  private sum: XorState = { bits: 0n, leading: 0xff, trailing: 0 };
  // Float histograms: every float XOR-encoded with its own state.
  private floats: XorState[] = [];

  constructor(
    readonly kind: "integer" | "float",
    private readonly header = 0,
  ) {}

  get length(): number {
    return this.count;
  }

  append(h: Histogram): void {
    if (h.kind !== this.kind) throw new Error(`a ${h.kind} histogram in a ${this.kind} chunk`);
    // A stale marker is written as a histogram with only its sum.
    const input = h.sumBits === STALE ? stale(h) : h;
    if (input.kind === "integer") this.appendInteger(input);
    else this.appendFloat(input);
    this.count++;
  }

  bytes(): Uint8Array {
    const out = Uint8Array.from(this.w.stream);
    out[0] = this.count >>> 8;
    out[1] = this.count & 0xff;
    out[2] = this.header;
    return out;
  }

  private writeLayout(h: Histogram): void {
    const w = this.w;
    // putZeroThreshold: 0; a power of two 2^-243 … 2^10 as its exponent + 243; else 255 + 64 bits.
    const zt = h.zeroThresholdBits;
    const exponent = Number((zt >> 52n) & 0x7ffn);
    const mantissa = zt & (2n ** 52n - 1n);
    if (zt === 0n) w.writeByte(0);
    else if (zt >> 63n === 0n && mantissa === 0n && exponent - 1023 >= -243 && exponent - 1023 <= 10) {
      w.writeByte(exponent - 1023 + 244);
    } else {
      w.writeByte(255);
      w.writeBits(zt, 64);
    }
    w.putVarbitInt(h.schema);
    for (const spans of [h.positiveSpans, h.negativeSpans]) {
      w.putVarbitUint(spans.length);
      for (const s of spans) {
        w.putVarbitUint(s.length);
        w.putVarbitInt(s.offset);
      }
    }
  }

  private appendInteger(h: IntegerHistogram): void {
    const w = this.w;
    const values = [...h.positiveDeltas, ...h.negativeDeltas];
    if (this.count === 0) {
      this.writeLayout(h);
      w.putVarbitInt(h.timestampMs);
      w.putVarbitUint(h.count);
      w.putVarbitUint(h.zeroCount);
      w.writeBits(h.sumBits, 64);
      this.sum.bits = h.sumBits;
      for (const v of values) w.putVarbitInt(v);
      this.buckets = values.map(() => 0);
      this.bucketDeltas = values.map(() => 0);
      this.tDelta = 0;
      this.cntDelta = 0;
      this.zCntDelta = 0;
    } else {
      const tDelta = h.timestampMs - this.t;
      const cntDelta = h.count - this.cnt;
      const zCntDelta = h.zeroCount - this.zCnt;
      const isStale = h.sumBits === STALE;
      w.putVarbitInt(tDelta - this.tDelta);
      w.putVarbitInt(isStale ? 0 : cntDelta - this.cntDelta);
      w.putVarbitInt(isStale ? 0 : zCntDelta - this.zCntDelta);
      w.xorWrite(this.sum, h.sumBits);
      values.forEach((v, i) => {
        const delta = v - this.buckets[i]!;
        w.putVarbitInt(delta - this.bucketDeltas[i]!);
        this.bucketDeltas[i] = delta;
      });
      this.tDelta = tDelta;
      this.cntDelta = cntDelta;
      this.zCntDelta = zCntDelta;
    }
    this.t = h.timestampMs;
    this.cnt = h.count;
    this.zCnt = h.zeroCount;
    values.forEach((v, i) => {
      this.buckets[i] = v;
    });
  }

  private appendFloat(h: FloatHistogram): void {
    const w = this.w;
    const values = [h.countBits, h.zeroCountBits, h.sumBits, ...h.positiveCounts, ...h.negativeCounts];
    if (this.count === 0) {
      this.writeLayout(h);
      w.putVarbitInt(h.timestampMs);
      for (const v of values) w.writeBits(v, 64);
      this.floats = values.map((bits) => ({ bits, leading: 0xff, trailing: 0 }));
      this.tDelta = 0;
    } else {
      const tDelta = h.timestampMs - this.t;
      w.putVarbitInt(tDelta - this.tDelta);
      values.forEach((v, i) => {
        w.xorWrite(this.floats[i]!, v);
      });
      this.tDelta = tDelta;
    }
    this.t = h.timestampMs;
  }
}

/** The histogram Prometheus stores for a stale marker: the sum, nothing else. */
function stale(h: Histogram): Histogram {
  const none: BucketSpan[] = [];
  const common = {
    timestampMs: h.timestampMs,
    sumBits: h.sumBits,
    schema: 0,
    zeroThresholdBits: 0n,
    positiveSpans: none,
    negativeSpans: none,
    resetHint: 0 as const,
  };
  return h.kind === "integer"
    ? { ...common, kind: "integer", count: 0, zeroCount: 0, positiveDeltas: [], negativeDeltas: [] }
    : { ...common, kind: "float", countBits: 0n, zeroCountBits: 0n, positiveCounts: [], negativeCounts: [] };
}
