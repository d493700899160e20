import { timestampMs } from "@bufbuild/protobuf/wkt";
import { type Import, ImportState } from "@ferry/api";

/** Share of the import's time range that the sink has acknowledged, 0..100. */
export function percentDone(record: Import): number {
  if (record.state === ImportState.COMPLETED) return 100;
  if (!record.start || !record.end || !record.checkpoint) return 0;
  const start = timestampMs(record.start);
  const span = timestampMs(record.end) - start;
  if (span <= 0) return 0;
  const done = (timestampMs(record.checkpoint) - start) / span;
  return Math.round(Math.min(1, Math.max(0, done)) * 1000) / 10;
}
