import type { BatchLimits, WriteBatch } from "../write-batch";
import { acquireBodyBuffer } from "./body-pool";
import { ProtoWriter } from "./proto-writer";
import { writeSampleField } from "./sample-field";
import { uvarintSize } from "./varint";

/** Tag of `WriteRequest.timeseries` (field 1, length-delimited); also `QueryResult.timeseries`. */
const TIMESERIES_TAG = 0x0a;

/**
 * Builds `WriteRequest` bodies up to `BatchLimits`: whole `TimeSeries` records copied verbatim,
 * or series "parts" (labels, then samples) opened, filled and closed by the caller. The callers
 * decide where to cut; this class keeps the accounting and the growing buffer. A finished body is
 * that buffer itself, not a copy; the builder goes on in one from the body pool, where the
 * consumer gives bodies back (`releaseBatchBody`).
 */
export class BatchBuilder {
  private readonly w: ProtoWriter;
  private samples = 0;
  private histograms = 0;
  private series = 0;
  private continues = false;
  /** Mark (`ProtoWriter.fork`) of the open part's length prefix, or -1. */
  private partMark = -1;
  private done: WriteBatch[] = [];
  /** Keys (`labelsKey`) of the series parts in the batch; undefined once a record's labels went in unread. */
  private keys: number[] | undefined = [];
  private flushed = 0;

  constructor(private readonly limits: BatchLimits) {
    this.w = new ProtoWriter(Math.min(limits.maxBytes + 64, 64 * 1024), acquireBodyBuffer);
  }

  get isEmpty(): boolean {
    return this.w.len === 0;
  }

  get partOpen(): boolean {
    return this.partMark >= 0;
  }

  /** Batches finished so far: the number of the batch being built. */
  get batchIndex(): number {
    return this.flushed;
  }

  /** Whether a whole record of `bytes` holding `count` samples fits in the current batch. */
  fitsRecord(bytes: number, count: number): boolean {
    return (
      this.samples + this.histograms + count <= this.limits.maxSamples &&
      this.w.len + bytes <= this.limits.maxBytes
    );
  }

  /** Whether a record of `bytes` holding `count` samples fits in an empty batch. */
  fitsEmpty(bytes: number, count: number): boolean {
    return count <= this.limits.maxSamples && bytes <= this.limits.maxBytes;
  }

  /** Whether a new part with `contentBytes` (labels and fields) and `count` samples fits. */
  fitsNewPart(contentBytes: number, count: number): boolean {
    return this.fitsRecord(1 + uvarintSize(contentBytes) + contentBytes, count);
  }

  /** Whether `bytes` more of fields holding `count` samples fit in the open part. */
  fitsInPart(bytes: number, count: number): boolean {
    if (this.samples + this.histograms + count > this.limits.maxSamples) return false;
    const content = this.w.forkedLength(this.partMark) + bytes;
    // The part's tag sits just before its mark.
    return this.partMark + uvarintSize(content) + content <= this.limits.maxBytes;
  }

  /**
   * How many more samples of `bytes` each fit in the open part, as `fitsInPart(bytes, 1)` would
   * answer before each one in turn; lets a caller append a run of samples without asking each time.
   */
  samplesFitting(bytes: number): number {
    const bySamples = this.limits.maxSamples - this.samples - this.histograms;
    // As fitsInPart: the part's tag sits before its mark, then its length prefix and content.
    const room = this.limits.maxBytes - this.partMark;
    const content = this.w.forkedLength(this.partMark);
    let k = Math.min(bySamples, Math.floor((room - content - uvarintSize(content + bytes)) / bytes));
    // The length prefix may grow by a byte as samples are added: step back until all k fit.
    while (k > 0 && content + k * bytes + uvarintSize(content + k * bytes) > room) k--;
    return Math.max(0, k);
  }

  appendRecord(src: Uint8Array, start: number, end: number, samples: number, histograms: number): void {
    this.keys = undefined;
    this.w.raw(src, start, end);
    this.series++;
    this.samples += samples;
    this.histograms += histograms;
  }

  /** Opens a `TimeSeries` part and copies its label fields (`Label` records with their tags). */
  beginPart(labels: Uint8Array, labelsLen: number, continuation: boolean): void {
    const w = this.w;
    w.byte(TIMESERIES_TAG);
    this.partMark = w.fork();
    w.raw(labels, 0, labelsLen);
    this.keys?.push(labelsKey(labels, labelsLen));
    this.series++;
    if (continuation) this.continues = true;
  }

  appendToPart(src: Uint8Array, start: number, end: number, samples: number, histograms: number): void {
    this.w.raw(src, start, end);
    this.samples += samples;
    this.histograms += histograms;
  }

  /** Appends one float sample to the open part; the value is given as its raw IEEE-754 bits. */
  appendSample(timestampMs: number, hi: number, lo: number): void {
    const w = this.w;
    w.ensure(22);
    w.len = writeSampleField(w.buf, w.view, w.len, timestampMs, hi, lo);
    this.samples++;
  }

  /**
   * The output, with room for `bytes` more, for a caller that writes `Sample` fields into the
   * open part itself (`writeSampleField`) and then counts them with `addSamples`.
   */
  sampleOutput(bytes: number): ProtoWriter {
    this.w.ensure(bytes);
    return this.w;
  }

  addSamples(count: number): void {
    this.samples += count;
  }

  endPart(): void {
    if (this.partMark < 0) return;
    this.w.join(this.partMark);
    this.partMark = -1;
  }

  /** Finishes the current batch (closing an open part) and queues it for `take`. */
  flush(): void {
    this.endPart();
    if (this.w.len === 0) return;
    this.done.push({
      body: this.w.detach(),
      samples: this.samples,
      histograms: this.histograms,
      series: this.series,
      continuesSeries: this.continues,
      seriesKeys: this.keys ? Uint32Array.from(this.keys) : undefined,
    });
    this.keys = [];
    this.flushed++;
    this.samples = 0;
    this.histograms = 0;
    this.series = 0;
    this.continues = false;
  }

  /** The batches finished since the last call. */
  take(): WriteBatch[] {
    const out = this.done;
    this.done = [];
    return out;
  }
}

/** FNV-1a over a series' label fields: the same series gives the same key in every window. */
export function labelsKey(labels: Uint8Array, len: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < len; i++) h = Math.imul(h ^ labels[i]!, 0x01000193);
  return h >>> 0;
}
