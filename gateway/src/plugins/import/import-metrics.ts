import { ImportState, RejectReason } from "@ferry/api";
import { Gauge, type Registry } from "prom-client";
import type { ImportStore } from "./import-store";

/** Imports by state, and each import's counters, read from the store when scraped. */
export function registerImportMetrics(registry: Registry, imports: ImportStore): void {
  new Gauge({
    name: "ferry_imports",
    help: "Imports by state.",
    labelNames: ["state"],
    registers: [registry],
    collect() {
      this.reset();
      for (const state of [
        ImportState.PENDING,
        ImportState.RUNNING,
        ImportState.COMPLETED,
        ImportState.FAILED,
        ImportState.CANCELED,
      ]) {
        this.set({ state: ImportState[state].toLowerCase() }, 0);
      }
      for (const record of imports.list()) this.inc({ state: ImportState[record.state].toLowerCase() });
    },
  });
  new Gauge({
    name: "ferry_import_samples",
    help: "Samples of each import: read, written, and rejected by reason (read = written + rejected).",
    labelNames: ["cluster", "target", "kind", "reason"],
    registers: [registry],
    collect() {
      this.reset();
      for (const record of imports.list()) {
        const c = record.counters;
        if (!c) continue;
        const labels = (kind: string, reason = "") => ({
          cluster: record.clusterId,
          target: record.target,
          kind,
          reason,
        });
        this.set(labels("read"), Number(c.samplesRead));
        this.set(labels("written"), Number(c.samplesWritten));
        for (const r of c.rejected) {
          const reason = (RejectReason[r.reason] ?? "OTHER_4XX").toLowerCase();
          this.set(labels("rejected", reason), Number(r.samples));
        }
      }
    },
  });
}
