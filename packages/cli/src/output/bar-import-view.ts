import type { Import } from "@ferry/api";
import { MultiBar, Presets, type SingleBar } from "cli-progress";
import type { OutputStream } from "../cli-deps";
import { formatImportReport } from "./import-report";
import { ImportTracker } from "./import-tracker";
import { etaLabel, formatEndedLine, type ImportView, type ImportViewOptions } from "./import-view";
import { formatCompact, formatRate, qualifiedName, stateName } from "./values";

interface BarPayload {
  name: string;
  written: string;
  rate: string;
  /** " | ETA 3m12s", or nothing while unknown ({eta} is cli-progress's own estimate). */
  left: string;
  state: string;
}

/** For a terminal: one live bar per running import, and its report above the bars when it ends. */
export class BarImportView implements ImportView {
  private readonly tracker: ImportTracker;
  private readonly bars = new Map<string, { bar: SingleBar; percent: number; payload: BarPayload }>();
  private readonly multibar: MultiBar;
  /** Names are padded to the longest seen, so the bars line up. */
  private nameWidth = 0;

  constructor(
    private readonly out: OutputStream,
    now: () => number,
    private readonly options: ImportViewOptions,
  ) {
    this.tracker = new ImportTracker(now);
    this.multibar = new MultiBar(
      {
        stream: out,
        format: "{name} [{bar}] {percentage}% | {written} written | {rate}{left} | {state}",
        hideCursor: true,
        clearOnComplete: false,
        stopOnComplete: false,
        autopadding: true,
        barsize: 30,
        // Removing a bar or logging a report moves the others; redraw them even when unchanged.
        forceRedraw: true,
        // Our own SIGINT handling stops the view; cli-progress must not install another.
        gracefulExit: false,
      },
      Presets.shades_classic,
    );
  }

  update(imp: Import): void {
    const event = this.tracker.observe(imp);
    switch (event.kind) {
      case "unchanged":
        return;
      case "progress": {
        const payload = this.payload(imp, event.rate);
        if (payload.name.length > this.nameWidth) this.widenNames(payload.name.length);
        payload.name = payload.name.padEnd(this.nameWidth);
        const entry = this.bars.get(imp.id);
        if (entry === undefined) {
          this.bars.set(imp.id, {
            bar: this.multibar.create(100, imp.percent, payload),
            percent: imp.percent,
            payload,
          });
        } else {
          entry.percent = imp.percent;
          entry.payload = payload;
          entry.bar.update(imp.percent, payload);
        }
        return;
      }
      case "finished": {
        const entry = this.bars.get(imp.id);
        if (entry !== undefined) {
          this.bars.delete(imp.id);
          this.multibar.remove(entry.bar);
        }
        const text =
          event.watchedEnd || this.options.reportAlreadyFinished
            ? formatImportReport(imp)
            : `${formatEndedLine(imp)}\n`;
        this.print(text);
        return;
      }
    }
  }

  close(): void {
    if (this.multibar.isActive) this.multibar.stop();
  }

  private print(text: string): void {
    if (this.bars.size === 0) {
      this.close();
      this.out.write(text);
      return;
    }
    this.multibar.log(text);
    this.multibar.update();
  }

  private widenNames(width: number): void {
    this.nameWidth = width;
    for (const entry of this.bars.values()) {
      entry.payload.name = entry.payload.name.trimEnd().padEnd(width);
      entry.bar.update(entry.percent, entry.payload);
    }
  }

  private payload(imp: Import, rate: number | undefined): BarPayload {
    const eta = etaLabel(imp);
    return {
      name: qualifiedName(imp.clusterId, imp.target),
      written: formatCompact(imp.counters?.samplesWritten ?? 0n),
      rate: formatRate(rate),
      left: eta === undefined ? "" : ` | ${eta}`,
      state: stateName(imp.state),
    };
  }
}
