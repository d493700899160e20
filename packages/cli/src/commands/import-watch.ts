import { Code, ConnectError } from "@connectrpc/connect";
import type { Command } from "commander";
import type { CliDeps } from "../cli-deps";
import { managementAction } from "../command-context";

interface Flags {
  cluster?: string;
  target?: string;
}

export function registerImportWatch(imports: Command, deps: CliDeps): void {
  imports
    .command("watch")
    .description("follow imports live until interrupted (Ctrl-C)")
    .option("--cluster <id>", "only this cluster's imports")
    .option("--target <name>", "only this target's imports")
    .action(
      managementAction<Flags>(deps, async (ctx, flags) => {
        const view = ctx.importView({ reportAlreadyFinished: false });
        try {
          const stream = ctx.client.watchImports(
            { clusterId: flags.cluster ?? "", target: flags.target ?? "" },
            ctx.call,
          );
          for await (const { import: imp } of stream) {
            if (imp !== undefined) view.update(imp);
          }
        } catch (err) {
          // Ctrl-C is how a watch ends.
          if (!(err instanceof ConnectError && err.code === Code.Canceled && deps.signal.aborted)) throw err;
        } finally {
          view.close();
        }
      }),
    );
}
