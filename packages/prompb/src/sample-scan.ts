import { HistogramTag } from "./private/histogram-tags";
import { readSeriesLabels } from "./private/series-labels";
import { WireReader } from "./private/wire-reader";
import type { Label } from "./relabel";

const TIMESERIES_TAG = 0x0a; // WriteRequest.timeseries = 1
const SAMPLE_TAG = 0x12; // TimeSeries.samples = 2
const HISTOGRAM_TAG = 0x22; // TimeSeries.histograms = 4
const SAMPLE_VALUE_TAG = 0x09; // Sample.value = 1, fixed64
const SAMPLE_TIMESTAMP_TAG = 0x10; // Sample.timestamp = 2

// Prometheus's stale marker: the NaN with bits 0x7ff0000000000002 (value.StaleNaN).
const STALE_HI = 0x7ff00000;
const STALE_LO = 0x00000002;

/** What scanWriteRequest reports, in wire order. */
export interface SampleVisitor {
  /** A `TimeSeries` entry starts; its samples follow. Labels are as on the wire. */
  series(labels: Label[]): void;
  /**
   * One float sample or native histogram sample of the current series. `stale` is true for
   * Prometheus's stale marker (a float, or a histogram's sum, with the stale NaN's bits), which
   * queries such as count_over_time do not see.
   */
  sample(timestampMs: number, stale: boolean, histogram: boolean): void;
}

/**
 * Walks an uncompressed `WriteRequest` and reports every series' labels and every sample's
 * timestamp and staleness, without building sample objects (for counting what a read holds).
 */
export function scanWriteRequest(body: Uint8Array, visitor: SampleVisitor): void {
  const top = new WireReader().reset(body);
  const fields = new WireReader();
  const inner = new WireReader();
  while (!top.done) {
    const tag = top.uvarint();
    if (tag !== TIMESERIES_TAG) {
      top.skipField(tag);
      continue;
    }
    const end = top.lengthDelimited();
    const start = top.pos;
    top.pos = end;
    visitor.series(readSeriesLabels(fields.reset(body, start, end), inner));
    fields.reset(body, start, end);
    while (!fields.done) {
      const t = fields.uvarint();
      if (t === SAMPLE_TAG || t === HISTOGRAM_TAG) {
        const stop = fields.lengthDelimited();
        inner.reset(body, fields.pos, stop);
        if (t === SAMPLE_TAG) scanSample(inner, visitor);
        else scanHistogram(inner, visitor);
        fields.pos = stop;
      } else {
        fields.skipField(t);
      }
    }
  }
}

function scanSample(r: WireReader, visitor: SampleVisitor): void {
  let stale = false;
  let timestampMs = 0;
  while (!r.done) {
    const tag = r.uvarint();
    if (tag === SAMPLE_VALUE_TAG) {
      r.fixed64();
      stale = r.hi === STALE_HI && r.lo === STALE_LO;
    } else if (tag === SAMPLE_TIMESTAMP_TAG) {
      timestampMs = r.int64();
    } else {
      r.skipField(tag);
    }
  }
  visitor.sample(timestampMs, stale, false);
}

function scanHistogram(r: WireReader, visitor: SampleVisitor): void {
  let stale = false;
  let timestampMs = 0;
  while (!r.done) {
    const tag = r.uvarint();
    if (tag === HistogramTag.SUM) {
      r.fixed64();
      stale = r.hi === STALE_HI && r.lo === STALE_LO;
    } else if (tag === HistogramTag.TIMESTAMP) {
      timestampMs = r.int64();
    } else {
      r.skipField(tag);
    }
  }
  visitor.sample(timestampMs, stale, true);
}
