import { ListTargetsResponseSchema } from "@ferry/api";
import type { Command } from "commander";
import type { CliDeps } from "../cli-deps";
import { managementAction } from "../command-context";
import { jsonDocument } from "../output/json";
import { formatTargetTable } from "../output/target-table";

interface Flags {
  cluster?: string;
}

export function registerTargetsList(targets: Command, deps: CliDeps): void {
  targets
    .command("list")
    .alias("ls")
    .description("list import targets")
    .option("--cluster <id>", "only this cluster's targets")
    .action(
      managementAction<Flags>(deps, async (ctx, flags) => {
        const response = await ctx.client.listTargets({ clusterId: flags.cluster ?? "" }, ctx.call);
        if (ctx.output === "json") return ctx.print(jsonDocument(ListTargetsResponseSchema, response));
        ctx.print(formatTargetTable(response.targets));
      }),
    );
}
