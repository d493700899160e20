import { MalformedError, UnsupportedChunkEncodingError } from "./errors";
import { FloatHistogramChunkIterator } from "./float-histogram-chunk";
import { DEFAULT_MAX_FRAME_BYTES, FrameReader } from "./frames";
import { HistogramChunkIterator } from "./histogram-chunk";
import { BatchBuilder } from "./private/batch-builder";
import { chunkSampleCount } from "./private/chunk-header";
import { writeFloatHistogramField, writeIntegerHistogramField } from "./private/histogram-field";
import { LabelBuffer } from "./private/label-buffer";
import { ProtoWriter } from "./private/proto-writer";
import { sampleFieldSize } from "./private/sample-field";
import { int64Size } from "./private/varint";
import { WireReader } from "./private/wire-reader";
import { XorTranscoder } from "./private/xor-transcoder";
import { type BatchLimits, checkBatchLimits, DEFAULT_BATCH_LIMITS, type WriteBatch } from "./write-batch";
import { ChunkEncoding } from "./xor-chunk";

const SERIES_TAG = 0x0a; // ChunkedReadResponse.chunked_series = 1
const QUERY_INDEX_TAG = 0x10; // ChunkedReadResponse.query_index = 2 (varint)
const LABEL_TAG = 0x0a; // ChunkedSeries.labels = 1, the same field as TimeSeries.labels
const CHUNK_TAG = 0x12; // ChunkedSeries.chunks = 2
const MIN_TIME_TAG = 0x08; // Chunk.min_time_ms = 1
const MAX_TIME_TAG = 0x10; // Chunk.max_time_ms = 2
const TYPE_TAG = 0x18; // Chunk.type = 3
const DATA_TAG = 0x22; // Chunk.data = 4

export interface ChunkedReadDecoderOptions {
  /** First timestamp (ms, inclusive) to keep: chunks overlap the query window's edges. */
  minMs: number;
  /** Last timestamp (ms, inclusive) to keep. Adjacent windows must not share a millisecond. */
  maxMs: number;
  limits?: BatchLimits;
  /** Largest frame accepted; default `DEFAULT_MAX_FRAME_BYTES`. */
  maxFrameBytes?: number;
}

/** The fields of one `Chunk` record; `dataStart` is -1 when it has no data. */
interface ChunkMeta {
  minTime: number;
  maxTime: number;
  encoding: number;
  dataStart: number;
  dataEnd: number;
}

/** What the open part of a series holds: a series that changes kind gets a new part. */
const FLOATS = 1;
const HISTOGRAMS = 2;

/**
 * Turns a STREAMED_XOR_CHUNKS remote-read body into remote-write batches as it arrives: checks
 * each frame, decodes the chunks of every `ChunkedSeries` (XOR floats, and native histograms with
 * integer or float counts), keeps the samples within [minMs, maxMs] and writes them as
 * `WriteRequest` bytes, labels copied verbatim, float values and histogram floats bit for bit.
 * Prometheus may split one series over consecutive frames; those pieces are joined again. A series
 * that holds floats and histograms gets one `TimeSeries` per run of one kind, in time order
 * (receivers append a `TimeSeries`' floats before its histograms). Batches follow the same limits
 * and splitting rules as `spliceReadResponse`; series with no sample in the window are left out.
 * Memory stays at about one frame plus one batch. After it throws, discard it (and the batches of
 * the current window): its state is undefined.
 */
export class ChunkedReadDecoder {
  /** Chunks seen so far (inside the window or not). */
  chunksRead = 0;
  /** Float samples within the window handed to batches so far. */
  samplesRead = 0;
  /** Histogram samples within the window handed to batches so far. */
  histogramsRead = 0;

  private readonly minMs: number;
  private readonly maxMs: number;
  private readonly frames: FrameReader;
  private readonly batches: BatchBuilder;
  private readonly response = new WireReader();
  private readonly series = new WireReader();
  private readonly chunk = new WireReader();
  private readonly meta: ChunkMeta = { minTime: 0, maxTime: 0, encoding: 0, dataStart: -1, dataEnd: -1 };
  private readonly xor = new XorTranscoder();
  private readonly histogram = new HistogramChunkIterator();
  private readonly floatHistogram = new FloatHistogramChunkIterator();
  /** One histogram field, encoded before it is known which batch it fits in. */
  private readonly field = new ProtoWriter(256);
  /** Labels of the open series, and of the series being read (swapped when a new one starts). */
  private labels = new LabelBuffer();
  private incoming = new LabelBuffer();
  private seriesOpen = false;
  private seriesQuery = 0;
  /** Whether the open series already put samples in a batch, and the last batch it did. */
  private seriesWritten = false;
  private seriesBatch = 0;
  /** FLOATS or HISTOGRAMS: what the open part holds. */
  private partKind = 0;
  /** What `countInWindow` found last. */
  private countedSamples = 0;
  private countedLastMs = 0;

  constructor(opts: ChunkedReadDecoderOptions) {
    const { minMs, maxMs } = opts;
    if (!Number.isSafeInteger(minMs) || !Number.isSafeInteger(maxMs) || minMs > maxMs) {
      throw new RangeError(`window [${minMs}, ${maxMs}] must be safe integers with minMs <= maxMs`);
    }
    this.minMs = minMs;
    this.maxMs = maxMs;
    this.batches = new BatchBuilder(checkBatchLimits(opts.limits ?? DEFAULT_BATCH_LIMITS));
    this.frames = new FrameReader(
      (buf, start, end) => this.decodeFrame(buf, start, end),
      opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
    );
  }

  /** Body bytes consumed so far. */
  get bytesRead(): number {
    return this.frames.bytesRead;
  }

  /** Frames checked and decoded so far. */
  get framesRead(): number {
    return this.frames.framesRead;
  }

  /** Feeds the next piece of the body; returns the batches that filled up. */
  write(piece: Uint8Array): WriteBatch[] {
    this.frames.write(piece);
    return this.batches.take();
  }

  /** Ends the body; returns the remaining batches. Throws `TruncatedError` if it ended mid-frame. */
  end(): WriteBatch[] {
    this.frames.end();
    this.closeSeries();
    this.batches.flush();
    return this.batches.take();
  }

  private decodeFrame(frame: Uint8Array, start: number, end: number): void {
    // Prometheus writes query_index after the series, so find it first.
    const r = this.response.reset(frame, start, end);
    let queryIndex = 0;
    while (!r.done) {
      const tag = r.uvarint();
      if (tag === QUERY_INDEX_TAG) queryIndex = r.int64();
      else r.skipField(tag);
    }
    r.reset(frame, start, end);
    for (let to = r.nextField(SERIES_TAG); to >= 0; to = r.nextField(SERIES_TAG)) {
      this.decodeSeries(frame, r.pos, to, queryIndex);
      r.pos = to;
    }
  }

  private decodeSeries(frame: Uint8Array, start: number, end: number, queryIndex: number): void {
    const r = this.series.reset(frame, start, end);
    const incoming = this.incoming;
    incoming.clear();
    // Label fields usually come one after another: copy each unbroken run of them at once.
    let runStart = start;
    let runEnd = start;
    while (!r.done) {
      const field = r.pos;
      const tag = r.uvarint();
      r.skipField(tag);
      if (tag !== LABEL_TAG) continue;
      if (field !== runEnd) {
        incoming.append(frame, runStart, runEnd);
        runStart = field;
      }
      runEnd = r.pos;
    }
    incoming.append(frame, runStart, runEnd);
    if (!this.seriesOpen || queryIndex !== this.seriesQuery || !incoming.equals(this.labels)) {
      this.closeSeries();
      this.incoming = this.labels;
      this.labels = incoming;
      this.seriesOpen = true;
      this.seriesQuery = queryIndex;
      this.seriesWritten = false;
      this.startSeriesWhole(frame, start, end);
    }
    r.reset(frame, start, end);
    for (let to = r.nextField(CHUNK_TAG); to >= 0; to = r.nextField(CHUNK_TAG)) {
      this.decodeChunk(frame, r.pos, to);
      r.pos = to;
    }
  }

  /** Reads a `Chunk` record's fields into `this.meta`. */
  private readChunkMeta(frame: Uint8Array, start: number, end: number): ChunkMeta {
    const r = this.chunk.reset(frame, start, end);
    const meta = this.meta;
    meta.minTime = 0;
    meta.maxTime = 0;
    meta.encoding = 0;
    meta.dataStart = -1;
    meta.dataEnd = -1;
    while (!r.done) {
      const tag = r.uvarint();
      switch (tag) {
        case MIN_TIME_TAG:
          meta.minTime = r.int64();
          break;
        case MAX_TIME_TAG:
          meta.maxTime = r.int64();
          break;
        case TYPE_TAG:
          meta.encoding = r.int64();
          break;
        case DATA_TAG:
          meta.dataEnd = r.lengthDelimited();
          meta.dataStart = r.pos;
          r.pos = meta.dataEnd;
          break;
        default:
          r.skipField(tag);
      }
    }
    return meta;
  }

  /**
   * Samples a new series brings into the window at most (each chunk's 2-byte header counts its
   * samples; chunks across the window's edges count whole), into `countedSamples`, and the latest
   * of their timestamps, into `countedLastMs`.
   */
  private countInWindow(frame: Uint8Array, start: number, end: number): void {
    let samples = 0;
    let lastMs = this.minMs;
    const r = this.series.reset(frame, start, end);
    for (let to = r.nextField(CHUNK_TAG); to >= 0; to = r.nextField(CHUNK_TAG)) {
      const m = this.readChunkMeta(frame, r.pos, to);
      r.pos = to;
      if (m.dataEnd - m.dataStart < 2 || m.maxTime < this.minMs || m.minTime > this.maxMs) continue;
      samples += chunkSampleCount(frame, m.dataStart);
      lastMs = Math.max(lastMs, Math.min(m.maxTime, this.maxMs));
    }
    this.countedSamples = samples;
    this.countedLastMs = lastMs;
  }

  private decodeChunk(frame: Uint8Array, start: number, end: number): void {
    const { minTime, maxTime, encoding, dataStart, dataEnd } = this.readChunkMeta(frame, start, end);
    this.chunksRead++;
    if (encoding < ChunkEncoding.XOR || encoding > ChunkEncoding.FLOAT_HISTOGRAM) {
      throw new UnsupportedChunkEncodingError(encoding);
    }
    if (dataStart < 0) throw new MalformedError("chunk without data");
    // The chunk's time range comes from the TSDB's chunk meta: skip chunks outside the window.
    if (maxTime < this.minMs || minTime > this.maxMs) return;

    const minMs = this.minMs;
    const maxMs = this.maxMs;
    if (encoding === ChunkEncoding.XOR) {
      this.decodeXor(frame, dataStart, dataEnd);
    } else if (encoding === ChunkEncoding.HISTOGRAM) {
      // Every sample is decoded (each depends on the previous), only those inside are written.
      const it = this.histogram.reset(frame, dataStart, dataEnd);
      while (it.next()) {
        const t = it.t;
        if (t < minMs) continue;
        if (t > maxMs) break;
        this.field.reset();
        writeIntegerHistogramField(this.field, it);
        this.addHistogram();
      }
    } else {
      const it = this.floatHistogram.reset(frame, dataStart, dataEnd);
      while (it.next()) {
        const t = it.t;
        if (t < minMs) continue;
        if (t > maxMs) break;
        this.field.reset();
        writeFloatHistogramField(this.field, it);
        this.addHistogram();
      }
    }
  }

  /**
   * Appends the samples of an XOR chunk that lie in the window to the open series. The transcoder
   * writes runs of samples straight into the batch: room is counted once per run (samples whose
   * timestamps take the same varint bytes), and again when it stops at a sample with no room.
   */
  private decodeXor(frame: Uint8Array, start: number, end: number): void {
    const x = this.xor.reset(frame, start, end);
    const b = this.batches;
    let out: ProtoWriter | null = null;
    let room = 0;
    // The largest timestamp whose sample takes as many bytes as the one `room` was counted for.
    let sameSizeUpTo = -1;
    for (;;) {
      const n = x.transcode(out, this.minMs, this.maxMs, room, sameSizeUpTo);
      b.addSamples(n);
      this.samplesRead += n;
      if (!x.pending) return;
      const t = x.t;
      const bytes = sampleFieldSize(t);
      this.makeRoom(bytes, FLOATS);
      // makeRoom leaves room for at least this one sample, if need be in a batch of its own.
      room = Math.max(1, b.samplesFitting(bytes));
      sameSizeUpTo = t < 0 ? -1 : 2 ** (7 * int64Size(t)) - 1;
      out = b.sampleOutput(room * bytes);
    }
  }

  private addHistogram(): void {
    const field = this.field;
    this.makeRoom(field.len, HISTOGRAMS);
    this.batches.appendToPart(field.buf, 0, field.len, 0, 1);
    this.histogramsRead++;
  }

  /**
   * Cuts the batch before a series that would not fit in it but fits in an empty one, so the
   * series is not split: a batch continuing a series must wait for the one before it to be
   * acknowledged, and with every batch split that way the writes would go one at a time.
   * Series larger than a batch are still split, and so are those Prometheus spreads over frames.
   */
  private startSeriesWhole(frame: Uint8Array, start: number, end: number): void {
    const b = this.batches;
    if (b.isEmpty) return;
    this.countInWindow(frame, start, end);
    const samples = this.countedSamples;
    if (samples === 0) return;
    const bytes = this.labels.len + samples * sampleFieldSize(this.countedLastMs);
    if (!b.fitsNewPart(bytes, samples) && b.fitsEmpty(bytes, samples)) b.flush();
  }

  /** Leaves a part of the open series of `kind` open, with room for one more sample of `bytes`. */
  private makeRoom(bytes: number, kind: number): void {
    const b = this.batches;
    const labels = this.labels;
    if (b.partOpen && kind !== this.partKind) b.endPart();
    if (b.partOpen) {
      if (!b.fitsInPart(bytes, 1)) {
        b.flush();
        b.beginPart(labels.buf, labels.len, true);
      }
    } else {
      if (!b.isEmpty && !b.fitsNewPart(labels.len + bytes, 1)) b.flush();
      // A later part in the same batch as earlier ones needs no wait: the sink takes a request in order.
      b.beginPart(labels.buf, labels.len, this.seriesWritten && this.seriesBatch !== b.batchIndex);
      this.partKind = kind;
    }
    this.seriesWritten = true;
    this.seriesBatch = b.batchIndex;
  }

  private closeSeries(): void {
    this.batches.endPart();
    this.seriesOpen = false;
  }
}
