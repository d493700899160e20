import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { type Any, anyUnpack, timestampFromMs, timestampMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  type Import,
  ImportCountersSchema,
  type ImportOptions,
  type ImportProgress,
  ImportProgressSchema,
  ImportSchema,
  ImportState,
  type Selector,
  type Target,
} from "@ferry/api";
import type { Logger } from "pino";
import type { AgentHub } from "../../core/agent-hub";
import type { AgentSession } from "../../core/agent-session";
import { callAgent } from "./agent-commands";
import type { ImportEvents } from "./import-events";
import type { ImportStore } from "./import-store";
import { percentDone } from "./percent";

const COMMAND_TIMEOUT_MS = 15_000;
/** Progress-only updates reach the disk at most this often per import; state changes at once. */
const PERSIST_INTERVAL_MS = 1000;

export interface ImportSpec {
  startMs: number;
  endMs: number;
  selectors: Selector[];
  options: ImportOptions;
}

/** Where an import reads: its target's endpoint and credentials. */
export type ImportSource = Pick<Target, "endpoint" | "auth">;

export const isActive = (state: ImportState) =>
  state === ImportState.PENDING || state === ImportState.RUNNING;
export const isFinal = (state: ImportState) => !isActive(state) && state !== ImportState.UNSPECIFIED;

/** Refuses a start (real or dry run) while an import runs, or after one completed unless forced. */
export function requireStartable(target: Target, previous: Import | undefined, force: boolean): void {
  if (previous && isActive(previous.state)) {
    throw new ConnectError(
      `target ${target.clusterId}/${target.name}: an import is already ${ImportState[previous.state].toLowerCase()}; stop it first`,
      Code.FailedPrecondition,
    );
  }
  if (previous?.state === ImportState.COMPLETED && !force) {
    throw new ConnectError(
      `target ${target.clusterId}/${target.name}: the last import completed; pass force to import again`,
      Code.FailedPrecondition,
    );
  }
}

/**
 * The desired state of imports and its execution by agents: starts and stops runs,
 * applies the agents' progress reports, and reconciles when an agent (re)connects.
 */
export class ImportController {
  private readonly lastPersistMs = new Map<string, number>();

  constructor(
    private readonly hub: AgentHub,
    private readonly imports: ImportStore,
    private readonly events: ImportEvents,
    private readonly logger: Logger,
  ) {}

  async start(target: Target, spec: ImportSpec, force: boolean) {
    const { startMs, endMs, selectors, options } = spec;
    const previous = this.imports.get(target.clusterId, target.name);
    requireStartable(target, previous, force);
    const now = timestampFromMs(Date.now());
    const resumable =
      previous !== undefined &&
      !force &&
      sameRun(previous, startMs, endMs, selectors) &&
      previous.checkpoint !== undefined;
    const record = create(ImportSchema, {
      id: resumable ? previous.id : randomUUID(),
      clusterId: target.clusterId,
      target: target.name,
      start: timestampFromMs(startMs),
      end: timestampFromMs(endMs),
      selectors,
      options,
      state: ImportState.PENDING,
      checkpoint: resumable ? previous.checkpoint : undefined,
      counters: resumable ? (previous.checkpointCounters ?? previous.counters) : create(ImportCountersSchema),
      checkpointCounters: resumable
        ? (previous.checkpointCounters ?? previous.counters)
        : create(ImportCountersSchema),
      message: resumable ? "resuming from checkpoint" : "waiting for the agent",
      createdAt: resumable ? previous.createdAt : now,
      updatedAt: now,
    });
    record.percent = percentDone(record);
    await this.save(record, true);
    await this.dispatch(record, target);
    return this.imports.byImportId(record.id) ?? record;
  }

  async stop(record: Import): Promise<Import> {
    if (!isActive(record.state)) {
      throw new ConnectError(
        `target ${record.clusterId}/${record.target}: the import is not running (${ImportState[record.state].toLowerCase()})`,
        Code.FailedPrecondition,
      );
    }
    const now = Date.now();
    const stopped = { ...record, state: ImportState.CANCELED, message: "stopped by request" };
    stopped.finishedAt = timestampFromMs(now);
    stopped.updatedAt = timestampFromMs(now);
    await this.save(stopped, true);
    if (this.hub.session(record.clusterId)) {
      await callAgent(
        this.hub,
        record.clusterId,
        { command: { case: "cancel", value: { importId: record.id } } },
        COMMAND_TIMEOUT_MS,
      ).catch((error: unknown) => {
        this.logger.warn({ err: error, import: record.id }, "agent did not confirm the stop");
      });
    }
    return this.imports.byImportId(record.id) ?? stopped;
  }

  /** An agent reports progress; only imports of the agent's own cluster are touched. */
  async applyProgress(session: AgentSession, progress: ImportProgress): Promise<void> {
    const record = this.imports.byImportId(progress.importId);
    if (!record || record.clusterId !== session.clusterId) {
      this.logger.warn(
        { cluster: session.clusterId, import: progress.importId },
        "progress for an unknown import",
      );
      return;
    }
    const updated: Import = { ...record };
    if (progress.counters) updated.counters = progress.counters;
    if (progress.checkpointCounters) updated.checkpointCounters = progress.checkpointCounters;
    if (progress.checkpoint) updated.checkpoint = progress.checkpoint;
    const stateChanged = !isFinal(record.state) && progress.state !== record.state;
    if (!isFinal(record.state)) {
      updated.state = progress.state;
      updated.message = progress.message;
      if (isFinal(progress.state)) updated.finishedAt = timestampFromMs(Date.now());
    }
    updated.rate = progress.rate;
    updated.etaSeconds = progress.etaSeconds;
    updated.updatedAt = timestampFromMs(Date.now());
    updated.percent = percentDone(updated);
    // Final states reach the disk at once (save). The step from PENDING to RUNNING need not wait
    // for it: a gateway restarted on a PENDING record issues the run again, the agent answers that
    // it runs it already, and reports it RUNNING; one fsynced write fewer per import.
    await this.save(updated, stateChanged && progress.state !== ImportState.RUNNING);
  }

  /**
   * On every (re)connect: imports the agent runs but should not are stopped; imports that
   * should run but the agent does not are issued again from their checkpoint.
   */
  async reconcile(session: AgentSession, reports: Any[], sourceOf: (r: Import) => Promise<ImportSource>) {
    const running = new Set<string>();
    for (const report of reports) {
      const progress = anyUnpack(report, ImportProgressSchema);
      if (!progress) continue;
      const record = this.imports.byImportId(progress.importId);
      if (record && record.clusterId === session.clusterId && isActive(record.state)) {
        running.add(progress.importId);
        await this.applyProgress(session, progress);
      } else if (isActive(progress.state)) {
        await callAgent(
          this.hub,
          session.clusterId,
          { command: { case: "cancel", value: { importId: progress.importId } } },
          COMMAND_TIMEOUT_MS,
        ).catch((error: unknown) => this.logger.warn({ err: error }, "could not stop an orphaned import"));
      }
    }
    for (const record of this.imports.list(session.clusterId)) {
      if (!isActive(record.state) || running.has(record.id)) continue;
      await this.dispatch(record, await sourceOf(record));
    }
  }

  private async dispatch(record: Import, source: ImportSource): Promise<void> {
    if (!this.hub.session(record.clusterId)) return; // stays pending until the agent connects
    try {
      await callAgent(
        this.hub,
        record.clusterId,
        {
          command: {
            case: "run",
            value: {
              importId: record.id,
              target: record.target,
              endpoint: source.endpoint,
              auth: source.auth,
              start: record.start,
              end: record.end,
              selectors: record.selectors,
              checkpoint: record.checkpoint,
              counters: record.checkpointCounters ?? record.counters,
              options: record.options,
            },
          },
        },
        COMMAND_TIMEOUT_MS,
      );
      const current = this.imports.byImportId(record.id);
      if (current && current.state === ImportState.PENDING) {
        // Not forced, as in applyProgress: PENDING on disk is re-issued after a restart.
        await this.save({ ...current, state: ImportState.RUNNING, message: "" }, false);
      }
    } catch (error) {
      const reason = ConnectError.from(error);
      if (reason.code === Code.Unavailable || reason.code === Code.DeadlineExceeded) {
        this.logger.warn({ err: reason, import: record.id }, "agent unreachable; import stays pending");
        return;
      }
      const failed = {
        ...record,
        state: ImportState.FAILED,
        message: `agent refused the import: ${reason.rawMessage}`,
      };
      failed.finishedAt = timestampFromMs(Date.now());
      await this.save(failed, true);
    }
  }

  private async save(record: Import, force: boolean): Promise<void> {
    record.updatedAt = timestampFromMs(Date.now());
    // Rate and ETA describe a run under way; an import that is not running has neither.
    if (record.state !== ImportState.RUNNING) {
      record.rate = 0;
      record.etaSeconds = undefined;
    }
    const now = Date.now();
    const last = this.lastPersistMs.get(record.id) ?? 0;
    if (isFinal(record.state)) {
      // A final record is written at once and no progress follows: nothing more to throttle.
      this.lastPersistMs.delete(record.id);
      await this.imports.save(record);
    } else if (force || now - last >= PERSIST_INTERVAL_MS) {
      this.lastPersistMs.set(record.id, now);
      await this.imports.save(record);
    } else {
      this.imports.remember(record);
    }
    this.events.publish(record);
  }
}

function sameRun(previous: Import, startMs: number, endMs: number, selectors: Selector[]): boolean {
  if (!previous.start || !previous.end) return false;
  return (
    timestampMs(previous.start) === startMs &&
    timestampMs(previous.end) === endMs &&
    JSON.stringify(previous.selectors) === JSON.stringify(selectors)
  );
}
