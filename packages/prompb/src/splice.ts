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

/**
 * Turns a decompressed remote-read `ReadResponse` (SAMPLES mode) into remote-write batches without
 * decoding a sample: `TimeSeries` records of every `QueryResult` are copied verbatim, cut at record
 * boundaries. A series larger than one batch is cut between its fields into parts that each repeat
 * its label fields; batches holding a later part are flagged `continuesSeries`. Series without
 * samples or histograms are left out.
 */
export function spliceReadResponse(
  readResponse: Uint8Array,
  limits: BatchLimits = DEFAULT_BATCH_LIMITS,
): WriteBatch[] {
  const splicer = new ReadResponseSplicer(checkBatchLimits(limits));
  splicer.splice(readResponse);
  return splicer.finish();
}

class ReadResponseSplicer {
  private readonly batches: BatchBuilder;
  private readonly response = new WireReader();
  private readonly result = new WireReader();
  private readonly fields = new WireReader();
  private readonly labels = new LabelBuffer();

  constructor(limits: BatchLimits) {
    this.batches = new BatchBuilder(limits);
  }

  splice(buf: Uint8Array): void {
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
  }

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
    const count = samples + histograms;
    if (count === 0) return;
    const b = this.batches;
    const bytes = end - record;
    if (b.fitsRecord(bytes, count)) {
      b.appendRecord(buf, record, end, samples, histograms);
    } else if (b.fitsEmpty(bytes, count)) {
      b.flush();
      b.appendRecord(buf, record, end, samples, histograms);
    } else {
      this.splitSeries(buf, start, end);
    }
  }

  /** Cuts a series too large for one batch into parts, each repeating the label fields. */
  private splitSeries(buf: Uint8Array, start: number, end: number): void {
    const labels = this.labels;
    labels.clear();
    const r = this.fields.reset(buf, start, end);
    while (!r.done) {
      const field = r.pos;
      const tag = r.uvarint();
      r.skipField(tag);
      if (tag === LABEL_TAG) labels.append(buf, field, r.pos);
    }

    const b = this.batches;
    let continuation = false;
    r.reset(buf, start, end);
    while (!r.done) {
      const field = r.pos;
      const tag = r.uvarint();
      r.skipField(tag);
      if (tag === LABEL_TAG) continue;
      const bytes = r.pos - field;
      const samples = tag === SAMPLE_TAG ? 1 : 0;
      const histograms = tag === HISTOGRAM_TAG ? 1 : 0;
      if (!b.partOpen) {
        if (!b.isEmpty && !b.fitsNewPart(labels.len + bytes, samples + histograms)) b.flush();
        b.beginPart(labels.buf, labels.len, continuation);
        continuation = true;
      } else if (!b.fitsInPart(bytes, samples + histograms)) {
        b.flush();
        b.beginPart(labels.buf, labels.len, true);
      }
      b.appendToPart(buf, field, r.pos, samples, histograms);
    }
    b.endPart();
  }
}
