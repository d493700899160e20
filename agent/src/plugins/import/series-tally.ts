import type { ImportOptions } from "@ferry/api";
import { type Label, SeriesRelabeler, type WriteBatch } from "@ferry/prompb";
import { compileMatchers, type LabelsPredicate } from "@ferry/selector";

/**
 * Counts the distinct series and the samples an import would write, as it would write them:
 * drop selectors applied and extra labels added (two source series that differ only in a label
 * an extra label overrides become one).
 */
export class SeriesTally {
  samples = 0;
  private readonly keys = new Set<string>();
  private readonly extra: ReadonlyMap<string, string>;
  private readonly drops: LabelsPredicate[];
  private readonly relabeler: SeriesRelabeler;

  constructor(options: ImportOptions | undefined) {
    this.extra = new Map(Object.entries(options?.extraLabels ?? {}));
    this.drops = (options?.drop ?? []).map((d) => compileMatchers(d.matchers));
    // The relabeler hands each series' labels to its drop test; the series kept are tallied there,
    // so a batch's labels are decoded once and its samples never.
    this.relabeler = new SeriesRelabeler({
      drop: (labels) => {
        const record = Object.fromEntries(labels);
        if (this.isDropped(record)) return true;
        this.keys.add(this.keyOf(record));
        return false;
      },
    });
  }

  get series(): number {
    return this.keys.size;
  }

  /** A batch of a remote-read response. */
  addBatch(batch: WriteBatch): void {
    const kept = this.relabeler.apply(batch);
    if (kept) this.samples += kept.samples + kept.histograms;
  }

  /** A series as the source's series API lists it. */
  addSeries(labels: Readonly<Record<string, string>>): void {
    if (!this.isDropped(labels)) this.keys.add(this.keyOf(labels));
  }

  private isDropped(labels: Readonly<Record<string, string>>): boolean {
    return this.drops.some((matches) => matches(labels));
  }

  /** The labels as written (the series' own label wins over an extra one), in name order. */
  private keyOf(labels: Readonly<Record<string, string>>): string {
    const merged = new Map(this.extra);
    for (const [name, value] of Object.entries(labels)) merged.set(name, value);
    const sorted: Label[] = [...merged].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return JSON.stringify(sorted);
  }
}
