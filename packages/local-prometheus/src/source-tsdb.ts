import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type History, type HistoryOptions, writeOpenMetricsHistory } from "./history";
import { type CreateBlocksOptions, createBlocks } from "./promtool";

export interface SourceTsdbOptions extends HistoryOptions, CreateBlocksOptions {
  /** The TSDB directory to create blocks in (a Prometheus `--storage.tsdb.path`). */
  dir: string;
}

export interface SourceTsdb extends History {
  readonly dir: string;
  readonly blocks: readonly string[];
}

/**
 * Generates history and turns it into TSDB blocks in `dir`, ready for `startPrometheus({ role: "source" })`.
 * The intermediate OpenMetrics file (about 106 bytes a sample) lives in a temporary directory and is removed.
 */
export async function buildSourceTsdb(opts: SourceTsdbOptions): Promise<SourceTsdb> {
  const { dir, maxBlockDuration, promtool, ...history } = opts;
  await mkdir(dir, { recursive: true });
  const work = await mkdtemp(join(tmpdir(), "ferry-history-"));
  try {
    const file = join(work, "history.om");
    const written = await writeOpenMetricsHistory(file, history);
    const blocks = await createBlocks(file, dir, { maxBlockDuration, promtool });
    return { ...written, dir, blocks };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
