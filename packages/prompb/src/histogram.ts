import { MalformedError } from "./errors";
import { HistogramTag, SpanTag } from "./private/histogram-tags";
import type { ProtoWriter } from "./private/proto-writer";
import { WireReader } from "./private/wire-reader";

/** `prometheus.Histogram.ResetHint`. */
export const ResetHint = { UNKNOWN: 0, YES: 1, NO: 2, GAUGE: 3 } as const;
export type ResetHint = (typeof ResetHint)[keyof typeof ResetHint];

/** `prometheus.BucketSpan`: `length` consecutive buckets, `offset` buckets after the previous span. */
export interface BucketSpan {
  offset: number;
  length: number;
}

interface HistogramFields {
  timestampMs: number;
  /** IEEE-754 bits of the sum (keeps NaN payloads, the stale marker among them). */
  sumBits: bigint;
  schema: number;
  /** IEEE-754 bits of the zero bucket's upper bound. */
  zeroThresholdBits: bigint;
  negativeSpans: BucketSpan[];
  positiveSpans: BucketSpan[];
  resetHint: ResetHint;
}

/** A histogram with integer counts: `count_int`, `zero_count_int`, buckets as deltas to the previous bucket. */
export interface IntegerHistogram extends HistogramFields {
  kind: "integer";
  count: number;
  zeroCount: number;
  negativeDeltas: number[];
  positiveDeltas: number[];
}

/** A histogram with float counts (`count_float`, …), every count as IEEE-754 bits, buckets absolute. */
export interface FloatHistogram extends HistogramFields {
  kind: "float";
  countBits: bigint;
  zeroCountBits: bigint;
  negativeCounts: bigint[];
  positiveCounts: bigint[];
}

/** One native histogram sample as `prometheus.Histogram` carries it (slow path: tests and tools). */
export type Histogram = IntegerHistogram | FloatHistogram;

const {
  COUNT_INT,
  COUNT_FLOAT,
  SUM,
  SCHEMA,
  ZERO_THRESHOLD,
  ZERO_COUNT_INT,
  ZERO_COUNT_FLOAT,
  NEGATIVE_SPANS,
  NEGATIVE_DELTAS,
  NEGATIVE_DELTA,
  NEGATIVE_COUNTS,
  NEGATIVE_COUNT,
  POSITIVE_SPANS,
  POSITIVE_DELTAS,
  POSITIVE_DELTA,
  POSITIVE_COUNTS,
  POSITIVE_COUNT,
  RESET_HINT,
  TIMESTAMP,
} = HistogramTag;

/**
 * Writes `h` as a `prometheus.Histogram` message (no tag, no length), in field order, leaving out
 * zero-valued fields as proto3 does, except the `count` and `zero_count` oneofs (their presence says
 * integer or float) and float fields whose bits are not zero (so -0 stays -0).
 */
export function writeHistogram(w: ProtoWriter, h: Histogram): void {
  if (h.kind === "integer") {
    w.byte(COUNT_INT);
    w.uvarint(h.count);
  } else {
    w.byte(COUNT_FLOAT);
    fixed64(w, h.countBits);
  }
  if (h.sumBits !== 0n) {
    w.byte(SUM);
    fixed64(w, h.sumBits);
  }
  if (h.schema !== 0) {
    w.byte(SCHEMA);
    w.sint64(h.schema);
  }
  if (h.zeroThresholdBits !== 0n) {
    w.byte(ZERO_THRESHOLD);
    fixed64(w, h.zeroThresholdBits);
  }
  if (h.kind === "integer") {
    w.byte(ZERO_COUNT_INT);
    w.uvarint(h.zeroCount);
  } else {
    w.byte(ZERO_COUNT_FLOAT);
    fixed64(w, h.zeroCountBits);
  }
  writeSpans(w, NEGATIVE_SPANS, h.negativeSpans);
  if (h.kind === "integer") writeSints(w, NEGATIVE_DELTAS, h.negativeDeltas);
  else writeDoubles(w, NEGATIVE_COUNTS, h.negativeCounts);
  writeSpans(w, POSITIVE_SPANS, h.positiveSpans);
  if (h.kind === "integer") writeSints(w, POSITIVE_DELTAS, h.positiveDeltas);
  else writeDoubles(w, POSITIVE_COUNTS, h.positiveCounts);
  if (h.resetHint !== 0) {
    w.byte(RESET_HINT);
    w.uvarint(h.resetHint);
  }
  if (h.timestampMs !== 0) {
    w.byte(TIMESTAMP);
    w.int64(h.timestampMs);
  }
}

/**
 * Reads a `prometheus.Histogram` message from `r` (positioned on its content). It is a float
 * histogram when any float-only field is present. Packed and unpacked repeated fields are accepted.
 */
export function readHistogram(r: WireReader): Histogram {
  const h = {
    timestampMs: 0,
    sumBits: 0n,
    schema: 0,
    zeroThresholdBits: 0n,
    negativeSpans: [] as BucketSpan[],
    positiveSpans: [] as BucketSpan[],
    resetHint: 0 as ResetHint,
    count: 0,
    zeroCount: 0,
    negativeDeltas: [] as number[],
    positiveDeltas: [] as number[],
    countBits: 0n,
    zeroCountBits: 0n,
    negativeCounts: [] as bigint[],
    positiveCounts: [] as bigint[],
  };
  let float = false;
  const inner = new WireReader();
  while (!r.done) {
    const tag = r.uvarint();
    switch (tag) {
      case COUNT_INT:
        h.count = r.uvarint();
        float = false;
        break;
      case COUNT_FLOAT:
        h.countBits = bits64(r);
        float = true;
        break;
      case SUM:
        h.sumBits = bits64(r);
        break;
      case SCHEMA:
        h.schema = zigzag(r.uvarint());
        break;
      case ZERO_THRESHOLD:
        h.zeroThresholdBits = bits64(r);
        break;
      case ZERO_COUNT_INT:
        h.zeroCount = r.uvarint();
        break;
      case ZERO_COUNT_FLOAT:
        h.zeroCountBits = bits64(r);
        float = true;
        break;
      case NEGATIVE_SPANS:
      case POSITIVE_SPANS: {
        const stop = r.lengthDelimited();
        const span = readSpan(inner.reset(r.buf, r.pos, stop));
        (tag === NEGATIVE_SPANS ? h.negativeSpans : h.positiveSpans).push(span);
        r.pos = stop;
        break;
      }
      case NEGATIVE_DELTAS:
      case POSITIVE_DELTAS:
        readSints(r, inner, tag === NEGATIVE_DELTAS ? h.negativeDeltas : h.positiveDeltas);
        break;
      case NEGATIVE_DELTA:
      case POSITIVE_DELTA:
        (tag === NEGATIVE_DELTA ? h.negativeDeltas : h.positiveDeltas).push(zigzag(r.uvarint()));
        break;
      case NEGATIVE_COUNTS:
      case POSITIVE_COUNTS:
        readDoubles(r, inner, tag === NEGATIVE_COUNTS ? h.negativeCounts : h.positiveCounts);
        float = true;
        break;
      case NEGATIVE_COUNT:
      case POSITIVE_COUNT:
        (tag === NEGATIVE_COUNT ? h.negativeCounts : h.positiveCounts).push(bits64(r));
        float = true;
        break;
      case RESET_HINT:
        h.resetHint = r.uvarint() as ResetHint;
        break;
      case TIMESTAMP:
        h.timestampMs = r.int64();
        break;
      default:
        r.skipField(tag);
    }
  }
  const common = {
    timestampMs: h.timestampMs,
    sumBits: h.sumBits,
    schema: h.schema,
    zeroThresholdBits: h.zeroThresholdBits,
    negativeSpans: h.negativeSpans,
    positiveSpans: h.positiveSpans,
    resetHint: h.resetHint,
  };
  if (float) {
    return {
      kind: "float",
      ...common,
      countBits: h.countBits,
      zeroCountBits: h.zeroCountBits,
      negativeCounts: h.negativeCounts,
      positiveCounts: h.positiveCounts,
    };
  }
  return {
    kind: "integer",
    ...common,
    count: h.count,
    zeroCount: h.zeroCount,
    negativeDeltas: h.negativeDeltas,
    positiveDeltas: h.positiveDeltas,
  };
}

function fixed64(w: ProtoWriter, bits: bigint): void {
  const v = BigInt.asUintN(64, bits);
  w.fixed64(Number(v & 0xffffffffn), Number(v >> 32n));
}

function bits64(r: WireReader): bigint {
  r.fixed64();
  return (BigInt(r.hi) << 32n) | BigInt(r.lo);
}

function zigzag(u: number): number {
  // u < 2^53 here (WireReader.uvarint is exact below that), so the halving is exact.
  return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
}

function writeSpans(w: ProtoWriter, tag: number, spans: readonly BucketSpan[]): void {
  for (const s of spans) {
    w.byte(tag);
    const mark = w.fork();
    if (s.offset !== 0) {
      w.byte(SpanTag.OFFSET);
      w.sint64(s.offset);
    }
    if (s.length !== 0) {
      w.byte(SpanTag.LENGTH);
      w.uvarint(s.length);
    }
    w.join(mark);
  }
}

function readSpan(r: WireReader): BucketSpan {
  const span = { offset: 0, length: 0 };
  while (!r.done) {
    const tag = r.uvarint();
    if (tag === SpanTag.OFFSET) span.offset = zigzag(r.uvarint());
    else if (tag === SpanTag.LENGTH) span.length = r.uvarint();
    else r.skipField(tag);
  }
  return span;
}

function writeSints(w: ProtoWriter, tag: number, values: readonly number[]): void {
  if (values.length === 0) return;
  w.byte(tag);
  const mark = w.fork();
  for (const v of values) w.sint64(v);
  w.join(mark);
}

function readSints(r: WireReader, inner: WireReader, out: number[]): void {
  const stop = r.lengthDelimited();
  inner.reset(r.buf, r.pos, stop);
  while (!inner.done) out.push(zigzag(inner.uvarint()));
  r.pos = stop;
}

function writeDoubles(w: ProtoWriter, tag: number, values: readonly bigint[]): void {
  if (values.length === 0) return;
  w.byte(tag);
  w.uvarint(values.length * 8);
  for (const v of values) fixed64(w, v);
}

function readDoubles(r: WireReader, inner: WireReader, out: bigint[]): void {
  const stop = r.lengthDelimited();
  if ((stop - r.pos) % 8 !== 0) throw new MalformedError("packed doubles not a multiple of 8 bytes");
  inner.reset(r.buf, r.pos, stop);
  while (!inner.done) out.push(bits64(inner));
  r.pos = stop;
}
