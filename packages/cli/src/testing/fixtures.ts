import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { RunningAgent } from "@ferry/agent";
import { type Import, ImportSchema, ImportState, RejectReason } from "@ferry/api";
import { NOW_MS } from "./cli-harness";

const DAY = 86_400_000;

/** The plain-object form of an Import's init (not an Import message). */
type ImportInit = Exclude<MessageInitShape<typeof ImportSchema>, Import>;

/** A running import of prod/prometheus over the day before NOW_MS, 40 % done. */
export function importFixture(init: ImportInit = {}): Import {
  return create(ImportSchema, {
    id: "imp-1",
    clusterId: "prod",
    target: "prometheus",
    start: timestampFromMs(NOW_MS - DAY),
    end: timestampFromMs(NOW_MS),
    state: ImportState.RUNNING,
    checkpoint: timestampFromMs(NOW_MS - 0.6 * DAY),
    counters: {
      samplesRead: 1_000_000n,
      samplesWritten: 999_000n,
      samplesRejected: 1_000n,
      rejected: [
        { reason: RejectReason.OUT_OF_BOUNDS, samples: 600n },
        { reason: RejectReason.OUT_OF_ORDER, samples: 400n },
      ],
    },
    createdAt: timestampFromMs(NOW_MS - 60_000),
    updatedAt: timestampFromMs(NOW_MS),
    percent: 40,
    ...init,
  });
}

/** A RunningAgent that runs until closed and fails never; `init` overrides any part. */
export function runningAgentFixture(init: Partial<RunningAgent> = {}): RunningAgent {
  return {
    remoteWriteUrl: undefined,
    ready: async () => {},
    failed: new Promise<never>(() => {}),
    close: async () => {},
    ...init,
  };
}
