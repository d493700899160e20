import type { Import } from "@ferry/api";
import type { OutputStream } from "../cli-deps";
import { formatImportReport } from "./import-report";
import { ImportTracker } from "./import-tracker";
import { formatEndedLine, formatProgressLine, type ImportView, type ImportViewOptions } from "./import-view";
import { formatTime } from "./values";

/**
 * For logs and pipes: a timestamped line per import at most once per `throttleMs`, plus one
 * on every state change, and the final report when an import ends.
 */
export class PlainImportView implements ImportView {
  private readonly tracker: ImportTracker;
  private readonly lastPrinted = new Map<string, number>();

  constructor(
    private readonly out: OutputStream,
    private readonly now: () => number,
    private readonly options: ImportViewOptions,
    private readonly throttleMs = 1000,
  ) {
    this.tracker = new ImportTracker(now);
  }

  update(imp: Import): void {
    const event = this.tracker.observe(imp);
    const at = this.now();
    switch (event.kind) {
      case "unchanged":
        return;
      case "finished":
        this.lastPrinted.delete(imp.id);
        if (event.watchedEnd || this.options.reportAlreadyFinished) {
          this.out.write(formatImportReport(imp));
        } else {
          this.out.write(`${formatTime(at)}  ${formatEndedLine(imp)}\n`);
        }
        return;
      case "progress": {
        const last = this.lastPrinted.get(imp.id);
        if (!event.stateChanged && last !== undefined && at - last < this.throttleMs) return;
        this.lastPrinted.set(imp.id, at);
        this.out.write(`${formatTime(at)}  ${formatProgressLine(imp, event.rate)}\n`);
        return;
      }
    }
  }

  close(): void {}
}
