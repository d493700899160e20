import { GetTargetResponseSchema } from "@ferry/api";
import type { Command } from "commander";
import type { CliDeps } from "../cli-deps";
import { managementAction } from "../command-context";
import { jsonDocument } from "../output/json";
import { formatTargetTable } from "../output/target-table";

interface Flags {
  cluster: string;
  name: string;
}

export function registerTargetsGet(targets: Command, deps: CliDeps): void {
  targets
    .command("get")
    .description("show one import target (header values redacted)")
    .requiredOption("--cluster <id>", "cluster of the target")
    .requiredOption("--name <name>", "name of the target")
    .action(
      managementAction<Flags>(deps, async (ctx, flags) => {
        const response = await ctx.client.getTarget({ clusterId: flags.cluster, name: flags.name }, ctx.call);
        if (ctx.output === "json") return ctx.print(jsonDocument(GetTargetResponseSchema, response));
        ctx.print(formatTargetTable(response.target ? [response.target] : []));
      }),
    );
}
