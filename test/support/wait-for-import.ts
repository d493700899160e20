import type { Client } from "@connectrpc/connect";
import { type Import, type ImportService, ImportState } from "@ferry/api";

const FINAL = new Set([ImportState.COMPLETED, ImportState.FAILED, ImportState.CANCELED]);

/** Follows WatchImports until the import of this target reaches a state accepted by `until`. */
export async function waitForImport(
  client: Client<typeof ImportService>,
  clusterId: string,
  target: string,
  until: (i: Import) => boolean = (i) => FINAL.has(i.state),
  timeoutMs = 120_000,
): Promise<Import> {
  const signal = AbortSignal.timeout(timeoutMs);
  let last: Import | undefined;
  try {
    for await (const { import: record } of client.watchImports({ clusterId, target }, { signal })) {
      if (!record) continue;
      last = record;
      if (until(record)) return record;
    }
  } catch (error) {
    throw new Error(
      `import ${clusterId}/${target} did not get there (last state ${last ? ImportState[last.state] : "none"}, ${last?.message ?? ""}): ${String(error)}`,
    );
  }
  throw new Error(`watch of ${clusterId}/${target} ended early`);
}
