import { BatchBuilder } from "./private/batch-builder";
import { LabelBuffer } from "./private/label-buffer";
import { WireReader } from "./private/wire-reader";
import { type BatchLimits, checkBatchLimits, DEFAULT_BATCH_LIMITS, type WriteBatch } from "./write-batch";

// ReadResponse.results = 1, QueryResult.timeseries = 1 and WriteRequest.timeseries = 1 all share
// tag 0x0a, so a TimeSeries record read from a QueryResult is already a WriteRequest entry.
const RESULTS_TAG = 0x0a;
const TIMESERIES_TAG = 0x0a;
const LABEL_TAG = 0x0a; // TimeSeries.labels = 1
const SAMPLE_TAG = 0x12; // TimeSeries.samples = 2
const HISTOGRAM_TAG = 0x22; // TimeSeries.histograms = 4
const SAMPLE_TIMESTAMP_TAG = 0x10; // Sample.timestamp = 2
const HISTOGRAM_TIMESTAMP_TAG = 0x78; // Histogram.timestamp = 15
/** What a series part holds, so a series mixing floats and histograms gets one part per run. */
const OTHER = 0;
const FLOATS = 1;
const HISTOGRAMS = 2;

/**
 * Turns a decompressed remote-read `ReadResponse` (SAMPLES mode) into remote-write batches without
 * decoding a sample: `TimeSeries` records of every `QueryResult` are copied verbatim, cut at record
 * boundaries. A series larger than one batch is cut between its fields into parts that each repeat
 * its label fields; batches holding a later part are flagged `continuesSeries`. Series without
 * samples or histograms are left out (`ReadResponseSplicer` counts them).
 */
export function spliceReadResponse(
  readResponse: Uint8Array,
  limits: BatchLimits = DEFAULT_BATCH_LIMITS,
): WriteBatch[] {
  const splicer = new ReadResponseSplicer(limits);
  return [...splicer.splice(readResponse), ...splicer.finish()];
}

/**
 * `spliceReadResponse` over one or more responses, counting what it saw. A `TimeSeries` holding both
 * float samples and histograms (Prometheus ≥ 2.44 sends a series that changed type so: all floats,
 * then all histograms) is rewritten as one part per run of one kind in time order, because receivers
 * append a `TimeSeries`' floats before its histograms and would refuse the later ones as out of order.
 */
export class ReadResponseSplicer {
  /** `TimeSeries` records seen, empty ones included. */
  seriesRead = 0;
  /**
   * Records with labels and neither a sample nor a histogram, left out. Prometheus before 2.44
   * answers SAMPLES queries this way for native histogram series (it reads floats only, and stops a
   * series at its first histogram): their data never reaches the sink, so prefer STREAMED_XOR_CHUNKS.
   * A series with no sample inside the range (or deleted) looks the same.
   */
  seriesWithoutSamples = 0;
  samplesRead = 0;
  histogramsRead = 0;

  private readonly batches: BatchBuilder;
  private readonly response = new WireReader();
  private readonly result = new WireReader();
  private readonly fields = new WireReader();
  private readonly inner = new WireReader();
  private readonly labels = new LabelBuffer();
  /** Whether the series being split put fields in a batch, the last batch it did, and its part's kind. */
  private seriesWritten = false;
  private seriesBatch = 0;
  private partKind = OTHER;

  constructor(limits: BatchLimits = DEFAULT_BATCH_LIMITS) {
    this.batches = new BatchBuilder(checkBatchLimits(limits));
  }

  /** Splices one decompressed `ReadResponse`; returns the batches that filled up. */
  splice(readResponse: Uint8Array): WriteBatch[] {
    const buf = readResponse;
    const r = this.response.reset(buf);
    while (!r.done) {
      const tag = r.uvarint();
      if (tag !== RESULTS_TAG) {
        r.skipField(tag);
        continue;
      }
      const end = r.lengthDelimited();
      this.spliceQueryResult(buf, r.pos, end);
      r.pos = end;
    }
    return this.batches.take();
  }

  /** Returns the remaining batches. */
  finish(): WriteBatch[] {
    this.batches.flush();
    return this.batches.take();
  }

  private spliceQueryResult(buf: Uint8Array, start: number, end: number): void {
    const r = this.result.reset(buf, start, end);
    while (!r.done) {
      const record = r.pos;
      const tag = r.uvarint();
      if (tag !== TIMESERIES_TAG) {
        r.skipField(tag);
        continue;
      }
      const stop = r.lengthDelimited();
      this.spliceSeries(buf, record, r.pos, stop);
      r.pos = stop;
    }
  }

  /** `record` is where the series' tag starts, `[start, end)` its content. */
  private spliceSeries(buf: Uint8Array, record: number, start: number, end: number): void {
    const r = this.fields.reset(buf, start, end);
    let samples = 0;
    let histograms = 0;
    while (!r.done) {
      const tag = r.uvarint();
      if (tag === SAMPLE_TAG) samples++;
      else if (tag === HISTOGRAM_TAG) histograms++;
      r.skipField(tag);
    }
    this.seriesRead++;
    this.samplesRead += samples;
    this.histogramsRead += histograms;
    const count = samples + histograms;
    if (count === 0) {
      this.seriesWithoutSamples++;
      return;
    }
    const b = this.batches;
    const bytes = end - record;
    if (samples > 0 && histograms > 0) {
      this.splitSeries(buf, start, end, this.timeOrder(buf, start, end, samples, histograms));
    } else if (b.fitsRecord(bytes, count)) {
      b.appendRecord(buf, record, end, samples, histograms);
    } else if (b.fitsEmpty(bytes, count)) {
      b.flush();
      b.appendRecord(buf, record, end, samples, histograms);
    } else {
      this.splitSeries(buf, start, end, undefined);
    }
  }

  /**
   * Cuts a series into parts, each repeating the label fields: where a batch is full, and where the
   * kind changes. `order` lists field start offsets in the order to write them (wire order if absent).
   */
  private splitSeries(buf: Uint8Array, start: number, end: number, order: Float64Array | undefined): void {
    const labels = this.labels;
    labels.clear();
    const r = this.fields.reset(buf, start, end);
    while (!r.done) {
      const field = r.pos;
      const tag = r.uvarint();
      r.skipField(tag);
      if (tag === LABEL_TAG) labels.append(buf, field, r.pos);
    }
    this.seriesWritten = false;
    if (order) {
      for (const field of order) {
        r.reset(buf, field, end);
        this.appendField(buf, field, r.uvarint());
      }
    } else {
      r.reset(buf, start, end);
      while (!r.done) this.appendField(buf, r.pos, r.uvarint());
    }
    this.batches.endPart();
  }

  /** Appends the field whose tag (just read by `this.fields`) starts at `field`, opening parts as needed. */
  private appendField(buf: Uint8Array, field: number, tag: number): void {
    const r = this.fields;
    r.skipField(tag);
    if (tag === LABEL_TAG) return;
    const b = this.batches;
    const labels = this.labels;
    const bytes = r.pos - field;
    const samples = tag === SAMPLE_TAG ? 1 : 0;
    const histograms = tag === HISTOGRAM_TAG ? 1 : 0;
    const kind = samples ? FLOATS : histograms ? HISTOGRAMS : OTHER;
    if (b.partOpen && kind !== OTHER && this.partKind !== OTHER && kind !== this.partKind) b.endPart();
    if (!b.partOpen) {
      if (!b.isEmpty && !b.fitsNewPart(labels.len + bytes, samples + histograms)) b.flush();
      // A later part in the same batch as earlier ones needs no wait: the sink takes a request in order.
      b.beginPart(labels.buf, labels.len, this.seriesWritten && this.seriesBatch !== b.batchIndex);
      this.partKind = OTHER;
    } else if (!b.fitsInPart(bytes, samples + histograms)) {
      b.flush();
      b.beginPart(labels.buf, labels.len, true);
    }
    if (kind !== OTHER) this.partKind = kind;
    b.appendToPart(buf, field, r.pos, samples, histograms);
    this.seriesWritten = true;
    this.seriesBatch = b.batchIndex;
  }

  /**
   * Field offsets of a series holding floats and histograms, merged by timestamp (floats first on a
   * tie, as Prometheus prefers them), after its other fields. Allocates: a rare path.
   */
  private timeOrder(
    buf: Uint8Array,
    start: number,
    end: number,
    samples: number,
    histograms: number,
  ): Float64Array {
    const floats: [number, number][] = [];
    const hists: [number, number][] = [];
    const order: number[] = [];
    const r = this.fields.reset(buf, start, end);
    while (!r.done) {
      const field = r.pos;
      const tag = r.uvarint();
      if (tag === SAMPLE_TAG || tag === HISTOGRAM_TAG) {
        const stop = r.lengthDelimited();
        const isFloat = tag === SAMPLE_TAG;
        const t = this.timestamp(buf, r.pos, stop, isFloat ? SAMPLE_TIMESTAMP_TAG : HISTOGRAM_TIMESTAMP_TAG);
        (isFloat ? floats : hists).push([t, field]);
        r.pos = stop;
      } else {
        r.skipField(tag);
        if (tag !== LABEL_TAG) order.push(field);
      }
    }
    floats.sort((a, b) => a[0] - b[0]);
    hists.sort((a, b) => a[0] - b[0]);
    let i = 0;
    let j = 0;
    while (i < samples || j < histograms) {
      if (j >= histograms || (i < samples && floats[i]![0] <= hists[j]![0])) order.push(floats[i++]![1]);
      else order.push(hists[j++]![1]);
    }
    return Float64Array.from(order);
  }

  private timestamp(buf: Uint8Array, start: number, end: number, tag: number): number {
    const r = this.inner.reset(buf, start, end);
    let t = 0;
    while (!r.done) {
      const field = r.uvarint();
      if (field === tag) t = r.int64();
      else r.skipField(field);
    }
    return t;
  }
}
