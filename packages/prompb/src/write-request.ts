import { TextDecoder } from "node:util";
import { MalformedError } from "./errors";
import { type Histogram, readHistogram, writeHistogram } from "./histogram";
import { ProtoWriter } from "./private/proto-writer";
import { WireReader } from "./private/wire-reader";

const TIMESERIES_TAG = 0x0a; // WriteRequest.timeseries = 1
const LABEL_TAG = 0x0a; // TimeSeries.labels = 1
const SAMPLE_TAG = 0x12; // TimeSeries.samples = 2
const HISTOGRAM_TAG = 0x22; // TimeSeries.histograms = 4

export interface WriteRequestCounts {
  series: number;
  samples: number;
  histograms: number;
}

export interface WriteSample {
  timestampMs: number;
  value: number;
  /** Raw IEEE-754 bits; when given they are written instead of `value` (keeps NaN payloads exact). */
  valueBits?: bigint;
}

export interface WriteSeries {
  labels: [string, string][];
  samples: WriteSample[];
  /** Native histogram samples, written after the float samples. */
  histograms?: Histogram[];
}

export interface DecodedSample {
  timestampMs: number;
  value: number;
  /** The value's bits exactly as on the wire. */
  valueBits: bigint;
}

export interface DecodedSeries {
  labels: [string, string][];
  samples: DecodedSample[];
  /** Native histogram samples, in wire order. */
  histograms: Histogram[];
}

/**
 * Counts series, samples and histogram samples in an uncompressed `WriteRequest` without decoding
 * them (for live remote-write traffic passing through).
 */
export function countWriteRequest(body: Uint8Array): WriteRequestCounts {
  const r = new WireReader().reset(body);
  const fields = new WireReader();
  const counts: WriteRequestCounts = { series: 0, samples: 0, histograms: 0 };
  while (!r.done) {
    const tag = r.uvarint();
    if (tag !== TIMESERIES_TAG) {
      r.skipField(tag);
      continue;
    }
    const end = r.lengthDelimited();
    counts.series++;
    fields.reset(body, r.pos, end);
    while (!fields.done) {
      const t = fields.uvarint();
      if (t === SAMPLE_TAG) counts.samples++;
      else if (t === HISTOGRAM_TAG) counts.histograms++;
      fields.skipField(t);
    }
    r.pos = end;
  }
  return counts;
}

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
const u32 = new Uint32Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Encodes series as an uncompressed `WriteRequest` (slow path: tests, benchmarks, tools). */
export function encodeWriteRequest(series: readonly WriteSeries[]): Uint8Array {
  const w = new ProtoWriter(1024);
  for (const s of series) {
    w.byte(TIMESERIES_TAG);
    const ts = w.fork();
    for (const [name, value] of s.labels) {
      w.byte(LABEL_TAG);
      const label = w.fork();
      w.byte(0x0a); // name = 1
      w.string(name);
      w.byte(0x12); // value = 2
      w.string(value);
      w.join(label);
    }
    for (const sample of s.samples) {
      if (!Number.isSafeInteger(sample.timestampMs)) {
        throw new RangeError(`sample timestamp ${sample.timestampMs} is not a safe integer`);
      }
      if (sample.valueBits !== undefined) u64[0] = BigInt.asUintN(64, sample.valueBits);
      else f64[0] = sample.value;
      w.byte(SAMPLE_TAG);
      const entry = w.fork();
      w.byte(0x09); // value = 1, fixed64
      if (LITTLE_ENDIAN) w.fixed64(u32[0]!, u32[1]!);
      else w.fixed64(u32[1]!, u32[0]!);
      w.byte(0x10); // timestamp = 2
      w.int64(sample.timestampMs);
      w.join(entry);
    }
    for (const h of s.histograms ?? []) {
      if (!Number.isSafeInteger(h.timestampMs)) {
        throw new RangeError(`histogram timestamp ${h.timestampMs} is not a safe integer`);
      }
      w.byte(HISTOGRAM_TAG);
      const entry = w.fork();
      writeHistogram(w, h);
      w.join(entry);
    }
    w.join(ts);
  }
  return w.finish();
}

/** Decodes an uncompressed `WriteRequest` fully (slow path: tests and verification). */
export function decodeWriteRequest(body: Uint8Array): DecodedSeries[] {
  const r = new WireReader().reset(body);
  const fields = new WireReader();
  const inner = new WireReader();
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const out: DecodedSeries[] = [];
  while (!r.done) {
    const tag = r.uvarint();
    if (tag !== TIMESERIES_TAG) {
      r.skipField(tag);
      continue;
    }
    const end = r.lengthDelimited();
    const series: DecodedSeries = { labels: [], samples: [], histograms: [] };
    fields.reset(body, r.pos, end);
    while (!fields.done) {
      const t = fields.uvarint();
      if (t === LABEL_TAG) {
        const stop = fields.lengthDelimited();
        series.labels.push(decodeLabel(inner.reset(body, fields.pos, stop), decoder));
        fields.pos = stop;
      } else if (t === SAMPLE_TAG) {
        const stop = fields.lengthDelimited();
        series.samples.push(decodeSample(inner.reset(body, fields.pos, stop)));
        fields.pos = stop;
      } else if (t === HISTOGRAM_TAG) {
        const stop = fields.lengthDelimited();
        series.histograms.push(readHistogram(inner.reset(body, fields.pos, stop)));
        fields.pos = stop;
      } else {
        fields.skipField(t);
      }
    }
    out.push(series);
    r.pos = end;
  }
  return out;
}

function decodeLabel(r: WireReader, decoder: TextDecoder): [string, string] {
  let name = "";
  let value = "";
  while (!r.done) {
    const tag = r.uvarint();
    if (tag === 0x0a || tag === 0x12) {
      const stop = r.lengthDelimited();
      let text: string;
      try {
        text = decoder.decode(r.buf.subarray(r.pos, stop));
      } catch (err) {
        throw new MalformedError("label is not valid UTF-8", { cause: err });
      }
      if (tag === 0x0a) name = text;
      else value = text;
      r.pos = stop;
    } else {
      r.skipField(tag);
    }
  }
  return [name, value];
}

function decodeSample(r: WireReader): DecodedSample {
  let lo = 0;
  let hi = 0;
  let timestampMs = 0;
  while (!r.done) {
    const tag = r.uvarint();
    if (tag === 0x09) {
      r.fixed64();
      lo = r.lo;
      hi = r.hi;
    } else if (tag === 0x10) {
      timestampMs = r.int64();
    } else {
      r.skipField(tag);
    }
  }
  const valueBits = (BigInt(hi) << 32n) | BigInt(lo);
  u64[0] = valueBits;
  return { timestampMs, value: f64[0]!, valueBits };
}
