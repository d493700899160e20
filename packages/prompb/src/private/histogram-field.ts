// Writes the current sample of a histogram chunk iterator as a `TimeSeries.histograms` field (tag,
// length, `prometheus.Histogram`), the way Prometheus's HistogramToHistogramProto and
// FloatHistogramToHistogramProto fill the message: fields in number order, proto3 zero values left
// out except the count and zero-count oneofs (they say integer or float), floats written whenever
// their bits are not all zero (-0 stays -0). A stale marker is written as Prometheus returns it: the
// sum and zero counts, nothing else.
import type { FloatHistogramChunkIterator } from "../float-histogram-chunk";
import type { HistogramChunkIterator } from "../histogram-chunk";
import type { SpanList } from "./histogram-layout";
import { HistogramTag, SpanTag } from "./histogram-tags";
import type { ProtoWriter } from "./proto-writer";

const HISTOGRAM_TAG = 0x22; // TimeSeries.histograms = 4
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
  NEGATIVE_COUNTS,
  POSITIVE_SPANS,
  POSITIVE_DELTAS,
  POSITIVE_COUNTS,
  RESET_HINT,
  TIMESTAMP,
} = HistogramTag;

export function writeIntegerHistogramField(w: ProtoWriter, it: HistogramChunkIterator): void {
  w.byte(HISTOGRAM_TAG);
  const mark = w.fork();
  const stale = it.isStale;
  w.byte(COUNT_INT);
  w.uvarint(stale ? 0 : it.count);
  writeFloat(w, SUM, it.sumHi, it.sumLo);
  const layout = it.layout;
  if (!stale) {
    writeLayoutHead(w, layout.schema, layout.zeroThresholdHi, layout.zeroThresholdLo);
  }
  w.byte(ZERO_COUNT_INT);
  w.uvarint(stale ? 0 : it.zeroCount);
  if (!stale) {
    const positive = layout.positive.buckets;
    writeSpans(w, NEGATIVE_SPANS, layout.negative);
    writeDeltas(w, NEGATIVE_DELTAS, it.buckets, positive, positive + layout.negative.buckets);
    writeSpans(w, POSITIVE_SPANS, layout.positive);
    writeDeltas(w, POSITIVE_DELTAS, it.buckets, 0, positive);
    writeResetHint(w, it.resetHint);
  }
  writeTimestamp(w, it.t);
  w.join(mark);
}

export function writeFloatHistogramField(w: ProtoWriter, it: FloatHistogramChunkIterator): void {
  w.byte(HISTOGRAM_TAG);
  const mark = w.fork();
  const stale = it.isStale;
  const v = it.values;
  w.byte(COUNT_FLOAT);
  if (stale) w.fixed64(0, 0);
  else w.fixed64(v[1]!, v[0]!);
  writeFloat(w, SUM, v[4]!, v[5]!);
  const layout = it.layout;
  if (!stale) {
    writeLayoutHead(w, layout.schema, layout.zeroThresholdHi, layout.zeroThresholdLo);
  }
  w.byte(ZERO_COUNT_FLOAT);
  if (stale) w.fixed64(0, 0);
  else w.fixed64(v[3]!, v[2]!);
  if (!stale) {
    const first = it.firstBucketSlot;
    const positive = layout.positive.buckets;
    writeSpans(w, NEGATIVE_SPANS, layout.negative);
    writeCounts(w, NEGATIVE_COUNTS, v, first + positive, first + positive + layout.negative.buckets);
    writeSpans(w, POSITIVE_SPANS, layout.positive);
    writeCounts(w, POSITIVE_COUNTS, v, first, first + positive);
    writeResetHint(w, it.resetHint);
  }
  writeTimestamp(w, it.t);
  w.join(mark);
}

function writeFloat(w: ProtoWriter, tag: number, hi: number, lo: number): void {
  if (hi === 0 && lo === 0) return;
  w.byte(tag);
  w.fixed64(lo, hi);
}

function writeLayoutHead(
  w: ProtoWriter,
  schema: number,
  zeroThresholdHi: number,
  zeroThresholdLo: number,
): void {
  if (schema !== 0) {
    w.byte(SCHEMA);
    w.sint64(schema);
  }
  writeFloat(w, ZERO_THRESHOLD, zeroThresholdHi, zeroThresholdLo);
}

/** Each span as a `BucketSpan` message; one is at most 1 + 5 + 1 + 5 bytes, so its length takes one byte. */
function writeSpans(w: ProtoWriter, tag: number, spans: SpanList): void {
  for (let i = 0; i < spans.count; i++) {
    const offset = spans.offsets[i]!;
    const length = spans.lengths[i]!;
    w.byte(tag);
    const at = w.len;
    w.byte(0);
    if (offset !== 0) {
      w.byte(SpanTag.OFFSET);
      w.sint64(offset);
    }
    if (length !== 0) {
      w.byte(SpanTag.LENGTH);
      w.uvarint(length);
    }
    w.buf[at] = w.len - at - 1;
  }
}

/** Packed sint64s from `values[from, to)`. */
function writeDeltas(w: ProtoWriter, tag: number, values: Float64Array, from: number, to: number): void {
  if (from === to) return;
  w.byte(tag);
  const mark = w.fork();
  for (let i = from; i < to; i++) w.sint64(values[i]!);
  w.join(mark);
}

/** Packed doubles from slots `[from, to)` of `values` (high, low halves per slot). */
function writeCounts(w: ProtoWriter, tag: number, values: Uint32Array, from: number, to: number): void {
  if (from === to) return;
  w.byte(tag);
  w.uvarint((to - from) * 8);
  for (let i = from; i < to; i++) w.fixed64(values[2 * i + 1]!, values[2 * i]!);
}

function writeResetHint(w: ProtoWriter, hint: number): void {
  if (hint === 0) return;
  w.byte(RESET_HINT);
  w.uvarint(hint);
}

function writeTimestamp(w: ProtoWriter, t: number): void {
  if (t === 0) return;
  w.byte(TIMESTAMP);
  w.int64(t);
}
