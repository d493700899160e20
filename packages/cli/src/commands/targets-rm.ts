import { RemoveTargetResponseSchema } from "@ferry/api";
import type { Command } from "commander";
import type { CliDeps } from "../cli-deps";
import { managementAction } from "../command-context";
import { jsonDocument } from "../output/json";
import { qualifiedName } from "../output/values";

interface Flags {
  cluster: string;
  name: string;
}

export function registerTargetsRm(targets: Command, deps: CliDeps): void {
  targets
    .command("rm")
    .alias("remove")
    .description("remove an import target")
    .requiredOption("--cluster <id>", "cluster of the target")
    .requiredOption("--name <name>", "name of the target")
    .action(
      managementAction<Flags>(deps, async (ctx, flags) => {
        const response = await ctx.client.removeTarget(
          { clusterId: flags.cluster, name: flags.name },
          ctx.call,
        );
        if (ctx.output === "json") return ctx.print(jsonDocument(RemoveTargetResponseSchema, response));
        ctx.print(`removed target ${qualifiedName(flags.cluster, flags.name)}\n`);
      }),
    );
}
