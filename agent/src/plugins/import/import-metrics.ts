import { ImportState, RejectReason } from "@ferry/api";
import { Counter, Gauge, type Registry } from "prom-client";

/** What an import run tells the metrics as it goes. */
export interface ImportRunMetrics {
  /**
   * Samples read from the source whose push was answered: as in the import's counters, a push
   * never answered does not count (its window is read again), so read = written + rejected.
   */
  samplesRead(samples: number): void;
  samplesWritten(samples: number): void;
  samplesRejected(reason: RejectReason, samples: number): void;
  /** A window read again after its remote read failed. */
  readRetried(): void;
  /** Remote-read response bytes consumed. */
  bytesRead(bytes: number): void;
}

export const NO_IMPORT_RUN_METRICS: ImportRunMetrics = {
  samplesRead: () => {},
  samplesWritten: () => {},
  samplesRejected: () => {},
  readRetried: () => {},
  bytesRead: () => {},
};

const STATES = [
  ImportState.RUNNING,
  ImportState.COMPLETED,
  ImportState.FAILED,
  ImportState.CANCELED,
] as const;

/**
 * The import plugin's metrics on the agent. Sample counters count work done since the agent
 * started: a window read again after a failure counts again (the import's own counters do not).
 */
export class ImportMetrics implements ImportRunMetrics {
  /** Latest state of every import this agent ran since it started. */
  private readonly states = new Map<string, ImportState>();
  private readonly read: Counter;
  private readonly written: Counter;
  private readonly rejected: Counter<"reason">;
  private readonly readRetries: Counter;
  private readonly readBytes: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    const states = this.states;
    new Gauge({
      name: "ferry_agent_imports",
      help: "Imports this agent ran since it started, by their latest state.",
      labelNames: ["state"],
      registers,
      collect() {
        this.reset();
        for (const state of STATES) this.set({ state: stateName(state) }, 0);
        for (const state of states.values()) this.inc({ state: stateName(state) });
      },
    });
    this.read = new Counter({
      name: "ferry_agent_samples_read_total",
      help: "Samples (and histograms) read by imports and answered by the sink: read = written + rejected.",
      registers,
    });
    this.written = new Counter({
      name: "ferry_agent_samples_written_total",
      help: "Imported samples the sink accepted.",
      registers,
    });
    this.rejected = new Counter({
      name: "ferry_agent_samples_rejected_total",
      help: "Imported samples the sink refused for good, by reason.",
      labelNames: ["reason"],
      registers,
    });
    this.readRetries = new Counter({
      name: "ferry_agent_read_retries_total",
      help: "Time windows read again after a remote read failed.",
      registers,
    });
    this.readBytes = new Counter({
      name: "ferry_agent_read_bytes_total",
      help: "Remote-read response bytes (uncompressed) consumed by imports.",
      registers,
    });
  }

  importState(importId: string, state: ImportState): void {
    this.states.set(importId, state);
  }

  samplesRead(samples: number): void {
    this.read.inc(samples);
  }

  samplesWritten(samples: number): void {
    this.written.inc(samples);
  }

  samplesRejected(reason: RejectReason, samples: number): void {
    this.rejected.inc({ reason: (RejectReason[reason] ?? "OTHER_4XX").toLowerCase() }, samples);
  }

  readRetried(): void {
    this.readRetries.inc();
  }

  bytesRead(bytes: number): void {
    this.readBytes.inc(bytes);
  }
}

function stateName(state: ImportState): string {
  return (ImportState[state] ?? "UNSPECIFIED").toLowerCase();
}
