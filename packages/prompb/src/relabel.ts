import { MalformedError } from "./errors";
import { ProtoWriter } from "./private/proto-writer";
import { readSeriesLabels } from "./private/series-labels";
import { WireReader } from "./private/wire-reader";
import type { WriteBatch } from "./write-batch";

const TIMESERIES_TAG = 0x0a; // WriteRequest.timeseries = 1
const LABEL_TAG = 0x0a; // TimeSeries.labels = 1
const SAMPLE_TAG = 0x12; // TimeSeries.samples = 2
const HISTOGRAM_TAG = 0x22; // TimeSeries.histograms = 4
const NAME_TAG = 0x0a; // Label.name = 1
const VALUE_TAG = 0x12; // Label.value = 2

export type Label = readonly [name: string, value: string];

export interface RelabelRules {
  /** Added to every series in sorted position; a series' own label of the same name wins. */
  extraLabels?: readonly Label[];
  /** True for a series to leave out, given its labels (sorted as on the wire). */
  drop?: (labels: readonly Label[]) => boolean;
}

/**
 * Rewrites the series of write batches: adds labels and leaves out series. Work is per series
 * (labels are decoded to strings); samples and histograms are copied as bytes, untouched.
 */
export class SeriesRelabeler {
  private readonly extra: Label[];
  private readonly out = new ProtoWriter(64 * 1024);
  private readonly top = new WireReader();
  private readonly fields = new WireReader();
  private readonly label = new WireReader();

  constructor(private readonly rules: RelabelRules) {
    this.extra = [...(rules.extraLabels ?? [])].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  /** Whether apply() would change anything; when not, batches can pass by untouched. */
  get isNoop(): boolean {
    return this.extra.length === 0 && this.rules.drop === undefined;
  }

  /** The batch rewritten; undefined when every series in it was dropped. */
  apply(batch: WriteBatch): WriteBatch | undefined {
    const body = batch.body;
    const out = this.out;
    out.reset();
    let series = 0;
    let samples = 0;
    let histograms = 0;
    const top = this.top.reset(body);
    while (!top.done) {
      const tag = top.uvarint();
      if (tag !== TIMESERIES_TAG) throw new MalformedError(`unexpected WriteRequest field tag ${tag}`);
      const end = top.lengthDelimited();
      const start = top.pos;
      top.pos = end;
      const labels = this.readLabels(body, start, end);
      if (this.rules.drop?.(labels)) continue;
      series++;
      out.byte(TIMESERIES_TAG);
      const mark = out.fork();
      for (const [name, value] of mergeLabels(labels, this.extra)) writeLabel(out, name, value);
      // Every field but the labels, in wire order, as bytes.
      const fields = this.fields.reset(body, start, end);
      while (!fields.done) {
        const fieldStart = fields.pos;
        const fieldTag = fields.uvarint();
        fields.skipField(fieldTag);
        if (fieldTag === LABEL_TAG) continue;
        if (fieldTag === SAMPLE_TAG) samples++;
        else if (fieldTag === HISTOGRAM_TAG) histograms++;
        out.raw(body, fieldStart, fields.pos);
      }
      out.join(mark);
    }
    if (series === 0) return undefined;
    // The input's keys: a superset of what is left (more keys only mean more waiting).
    return {
      body: out.finish(),
      samples,
      histograms,
      series,
      continuesSeries: batch.continuesSeries,
      seriesKeys: batch.seriesKeys,
    };
  }

  private readLabels(body: Uint8Array, start: number, end: number): Label[] {
    return readSeriesLabels(this.fields.reset(body, start, end), this.label);
  }
}

/** Both lists sorted by name; on equal names the series' label is kept. */
function mergeLabels(own: readonly Label[], extra: readonly Label[]): Label[] {
  if (extra.length === 0) return own as Label[];
  const merged: Label[] = [];
  let i = 0;
  let j = 0;
  while (i < own.length || j < extra.length) {
    const a = own[i];
    const b = extra[j];
    if (b === undefined || (a !== undefined && a[0] <= b[0])) {
      merged.push(a as Label);
      if (b !== undefined && a !== undefined && a[0] === b[0]) j++;
      i++;
    } else {
      merged.push(b);
      j++;
    }
  }
  return merged;
}

function writeLabel(out: ProtoWriter, name: string, value: string): void {
  out.byte(LABEL_TAG);
  const mark = out.fork();
  out.byte(NAME_TAG);
  out.string(name);
  out.byte(VALUE_TAG);
  out.string(value);
  out.join(mark);
}
