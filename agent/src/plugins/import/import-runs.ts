import { type Any, anyPack } from "@bufbuild/protobuf/wkt";
import { ImportProgressSchema, type RunImport } from "@ferry/api";
import type { Logger } from "pino";
import type { PushClient } from "../../core/push-client";
import type { ImportMetrics } from "./import-metrics";
import { DEFAULT_IMPORT_RUN, ImportRun, type ImportRunOptions } from "./import-run";
import { ProgressReporter } from "./progress-reporter";
import { SourceConnections } from "./source-connections";
import { WindowMemory } from "./window-memory";

interface Entry {
  run: ImportRun;
  reporter: ProgressReporter;
  done: Promise<void>;
}

/** The imports this agent executes, by id. */
export class ImportRuns {
  private readonly runs = new Map<string, Entry>();
  /** Final states the gateway may not have heard (sent while the link was down). */
  private readonly undelivered = new Map<string, Any>();
  /** What the runs share: each source's density and its keep-alive connections. */
  private readonly across = { windowMemory: new WindowMemory(), connections: new SourceConnections() };

  constructor(
    private readonly push: PushClient,
    private readonly sendEvent: (body: Any) => boolean,
    private readonly logger: Logger,
    private readonly options: ImportRunOptions = DEFAULT_IMPORT_RUN,
    private readonly metrics?: ImportMetrics,
  ) {}

  /** Starts a run; a run already going with this id is left as it is (commands may be re-sent). */
  start(command: RunImport): void {
    if (this.runs.get(command.importId)?.run.isActive) return;
    this.undelivered.delete(command.importId);
    const run = new ImportRun(
      command,
      this.push,
      this.logger,
      (r, stateChanged) => {
        if (stateChanged) this.metrics?.importState(r.id, r.state);
        entry.reporter.changed(stateChanged);
      },
      this.options,
      this.metrics,
      this.across,
    );
    const reporter = new ProgressReporter(run, this.sendEvent);
    const entry: Entry = { run, reporter, done: Promise.resolve() };
    entry.done = run.run().finally(() => {
      reporter.stop();
      // The run's final state went out as it changed (state changes are sent at once); sending it
      // again would cost the gateway a second durable write of the finished import.
      if (!reporter.delivered)
        this.undelivered.set(run.id, anyPack(ImportProgressSchema, reporter.snapshot()));
      if (this.runs.get(run.id) === entry) this.runs.delete(run.id);
    });
    this.runs.set(run.id, entry);
    this.metrics?.importState(run.id, run.state);
    reporter.changed(true);
  }

  /** Cancels a run and waits until its reads and writes have stopped. */
  async cancel(importId: string): Promise<boolean> {
    const entry = this.runs.get(importId);
    if (!entry?.run.isActive) return false;
    entry.run.cancel();
    await entry.done;
    return true;
  }

  /** For the Hello: what runs here, and final states not yet delivered. */
  reports(): Any[] {
    const reports = [...this.runs.values()].map((e) => anyPack(ImportProgressSchema, e.reporter.snapshot()));
    reports.push(...this.undelivered.values());
    this.undelivered.clear();
    return reports;
  }

  async close(): Promise<void> {
    for (const entry of this.runs.values()) entry.run.cancel("agent shutting down");
    await Promise.all([...this.runs.values()].map((e) => e.done));
    this.across.connections.close();
  }
}
