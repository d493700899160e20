// Test support: histogram chunks decoded the slow way into `Histogram`s (straight from the
// iterators' fields, not through the fast field writer), and random chunks for property tests.
import fc from "fast-check";
import { FloatHistogramChunkIterator } from "../../float-histogram-chunk";
import type { BucketSpan, Histogram } from "../../histogram";
import { HistogramChunkIterator } from "../../histogram-chunk";
import { ChunkEncoding } from "../../xor-chunk";
import type { SpanList } from "../histogram-layout";
import { HistogramChunkEncoder } from "./histogram-chunk-encoder";

const STALE = 0x7ff0000000000002n;

const bits = (hi: number, lo: number): bigint => (BigInt(hi) << 32n) | BigInt(lo);

function spansOf(list: SpanList): BucketSpan[] {
  return Array.from({ length: list.count }, (_, i) => ({
    offset: list.offsets[i]!,
    length: list.lengths[i]!,
  }));
}

/** Every sample of a HISTOGRAM or FLOAT_HISTOGRAM chunk, as Prometheus's iterators return them. */
export function decodeHistogramChunk(encoding: number, data: Uint8Array): Histogram[] {
  const out: Histogram[] = [];
  if (encoding === ChunkEncoding.HISTOGRAM) {
    const it = new HistogramChunkIterator().reset(data);
    while (it.next()) {
      const sumBits = bits(it.sumHi, it.sumLo);
      if (it.isStale) {
        out.push(staleHistogram("integer", it.t, sumBits));
        continue;
      }
      const l = it.layout;
      const p = l.positive.buckets;
      out.push({
        kind: "integer",
        timestampMs: it.t,
        count: it.count,
        zeroCount: it.zeroCount,
        sumBits,
        schema: l.schema,
        zeroThresholdBits: bits(l.zeroThresholdHi, l.zeroThresholdLo),
        positiveSpans: spansOf(l.positive),
        negativeSpans: spansOf(l.negative),
        positiveDeltas: [...it.buckets.subarray(0, p)],
        negativeDeltas: [...it.buckets.subarray(p, p + l.negative.buckets)],
        resetHint: it.resetHint,
      });
    }
    return out;
  }
  const it = new FloatHistogramChunkIterator().reset(data);
  const slot = (v: Uint32Array, i: number) => bits(v[2 * i]!, v[2 * i + 1]!);
  while (it.next()) {
    const v = it.values;
    if (it.isStale) {
      out.push(staleHistogram("float", it.t, slot(v, 2)));
      continue;
    }
    const l = it.layout;
    const first = it.firstBucketSlot;
    const p = l.positive.buckets;
    const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => slot(v, from + i));
    out.push({
      kind: "float",
      timestampMs: it.t,
      countBits: slot(v, 0),
      zeroCountBits: slot(v, 1),
      sumBits: slot(v, 2),
      schema: l.schema,
      zeroThresholdBits: bits(l.zeroThresholdHi, l.zeroThresholdLo),
      positiveSpans: spansOf(l.positive),
      negativeSpans: spansOf(l.negative),
      positiveCounts: range(first, p),
      negativeCounts: range(first + p, l.negative.buckets),
      resetHint: it.resetHint,
    });
  }
  return out;
}

/** What Prometheus returns for a stale marker: the sum, nothing else. */
export function staleHistogram(kind: "integer" | "float", timestampMs: number, sumBits = STALE): Histogram {
  const common = {
    timestampMs,
    sumBits,
    schema: 0,
    zeroThresholdBits: 0n,
    positiveSpans: [],
    negativeSpans: [],
    resetHint: 0 as const,
  };
  return kind === "integer"
    ? { kind, ...common, count: 0, zeroCount: 0, positiveDeltas: [], negativeDeltas: [] }
    : { kind, ...common, countBits: 0n, zeroCountBits: 0n, positiveCounts: [], negativeCounts: [] };
}

/** Encodes `histograms` as one chunk of their kind with counter-reset flags `header`. */
export function encodeHistogramChunk(histograms: readonly Histogram[], header = 0): Uint8Array {
  const enc = new HistogramChunkEncoder(histograms[0]?.kind ?? "integer", header);
  for (const h of histograms) enc.append(h);
  return enc.bytes();
}

const span = fc.record({
  offset: fc.integer({ min: -3000, max: 3000 }),
  length: fc.integer({ min: 0, max: 6 }),
});
const floatBits = fc.oneof(
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  fc.double().map((d) => new BigUint64Array(new Float64Array([d]).buffer)[0]!),
  fc.constantFrom(0n, 0x7ff8000000000001n, 0x7ff0000000000000n, 0xfff0000000000000n, 0x8000000000000000n),
);
const layout = fc.record({
  schema: fc.integer({ min: -4, max: 8 }),
  zeroThresholdBits: fc.oneof(
    fc.constantFrom(0n, 0x37f0000000000000n, 0x3f50624dd2f1a9fcn, 0x3e80000000000000n),
    floatBits,
  ),
  positiveSpans: fc.array(span, { maxLength: 4 }),
  negativeSpans: fc.array(span, { maxLength: 3 }),
});
const count = (spans: BucketSpan[]) => spans.reduce((n, s) => n + s.length, 0);

/** Timestamps: a start and steps that exercise every varbit width of the delta-of-delta. */
const times = (n: number) =>
  fc
    .tuple(
      fc.integer({ min: -(2 ** 44), max: 2 ** 44 }),
      fc.array(fc.oneof(fc.constant(60_000), fc.integer({ min: 0, max: 2 ** 36 })), {
        minLength: n,
        maxLength: n,
      }),
    )
    .map(([start, steps]) => {
      let t = start;
      return steps.map((d) => (t += d));
    });

/**
 * One chunk's worth of integer histograms sharing a layout, possibly ending in stale markers:
 * Prometheus starts a new chunk after a stale marker, and Go's reader only follows its appender
 * through one when nothing but stale markers comes after it.
 */
export const integerChunk: fc.Arbitrary<Histogram[]> = fc
  .tuple(layout, fc.integer({ min: 1, max: 40 }))
  .chain(([l, n]) => {
    const buckets = count(l.positiveSpans) + count(l.negativeSpans);
    const int = fc.oneof(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.integer({ min: -300, max: 300 }));
    const sample = fc.record({
      count: fc.nat(2 ** 45),
      zeroCount: fc.nat(2 ** 45),
      sumBits: fc.oneof({ weight: 9, arbitrary: floatBits }, { weight: 1, arbitrary: fc.constant(STALE) }),
      deltas: fc.array(int, { minLength: buckets, maxLength: buckets }),
    });
    return fc.tuple(times(n), fc.array(sample, { minLength: n, maxLength: n }), fc.constant(l));
  })
  .map(([ts, samples, l]) =>
    samples.map((s, i): Histogram => {
      if (samples.slice(0, i + 1).some((x) => x.sumBits === STALE)) return staleHistogram("integer", ts[i]!);
      const p = count(l.positiveSpans);
      return {
        kind: "integer",
        timestampMs: ts[i]!,
        count: s.count,
        zeroCount: s.zeroCount,
        sumBits: s.sumBits,
        ...l,
        positiveDeltas: s.deltas.slice(0, p),
        negativeDeltas: s.deltas.slice(p),
        resetHint: 0,
      };
    }),
  );

/** One chunk's worth of float histograms sharing a layout, possibly ending in stale markers. */
export const floatChunk: fc.Arbitrary<Histogram[]> = fc
  .tuple(layout, fc.integer({ min: 1, max: 40 }))
  .chain(([l, n]) => {
    const buckets = count(l.positiveSpans) + count(l.negativeSpans);
    const sample = fc.record({
      countBits: floatBits,
      zeroCountBits: floatBits,
      sumBits: fc.oneof({ weight: 9, arbitrary: floatBits }, { weight: 1, arbitrary: fc.constant(STALE) }),
      counts: fc.array(floatBits, { minLength: buckets, maxLength: buckets }),
    });
    return fc.tuple(times(n), fc.array(sample, { minLength: n, maxLength: n }), fc.constant(l));
  })
  .map(([ts, samples, l]) =>
    samples.map((s, i): Histogram => {
      if (samples.slice(0, i + 1).some((x) => x.sumBits === STALE)) return staleHistogram("float", ts[i]!);
      const p = count(l.positiveSpans);
      return {
        kind: "float",
        timestampMs: ts[i]!,
        countBits: s.countBits,
        zeroCountBits: s.zeroCountBits,
        sumBits: s.sumBits,
        ...l,
        positiveCounts: s.counts.slice(0, p),
        negativeCounts: s.counts.slice(p),
        resetHint: 0,
      };
    }),
  );

/** `histograms` with the reset hints a chunk with counter-reset flags `header` gives them. */
export function withHints(histograms: readonly Histogram[], header: number): Histogram[] {
  return histograms.map((h, i) => {
    if (h.sumBits === STALE) return h;
    const hint = header === 0xc0 ? 3 : i > 0 ? 2 : header === 0x80 ? 1 : 0;
    return { ...h, resetHint: hint as Histogram["resetHint"] };
  });
}
