import { type Import, ImportState } from "@ferry/api";
import type { CommandContext } from "./command-context";
import { CommandFailedError, EXIT_FAILURE, EXIT_OK } from "./errors";
import { isFinalState, qualifiedName, stateName } from "./output/values";

/**
 * Shows one import's progress from the WatchImports stream until it reaches a final state.
 * Returns the exit status: 0 for Completed, 1 for Failed or Canceled.
 */
export async function followImport(ctx: CommandContext, started: Import): Promise<number> {
  const view = ctx.importView({ reportAlreadyFinished: true });
  try {
    const stream = ctx.client.watchImports(
      { clusterId: started.clusterId, target: started.target },
      ctx.call,
    );
    for await (const { import: imp } of stream) {
      if (imp === undefined || imp.id !== started.id) continue;
      view.update(imp);
      if (isFinalState(imp.state)) return imp.state === ImportState.COMPLETED ? EXIT_OK : EXIT_FAILURE;
    }
  } finally {
    view.close();
  }
  throw new CommandFailedError(
    `the gateway ended the watch before import ${started.id} of ${qualifiedName(started.clusterId, started.target)} finished (last state ${stateName(started.state)}); see ferry import status`,
  );
}
