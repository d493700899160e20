import { ListImportsResponseSchema } from "@ferry/api";
import type { Command } from "commander";
import type { CliDeps } from "../cli-deps";
import { managementAction } from "../command-context";
import { formatImportTable } from "../output/import-table";
import { jsonDocument } from "../output/json";

interface Flags {
  cluster?: string;
  target?: string;
}

export function registerImportStatus(imports: Command, deps: CliDeps): void {
  imports
    .command("status")
    .description("show imports: state, progress, counters, checkpoint")
    .option("--cluster <id>", "only this cluster's imports")
    .option("--target <name>", "only this target's imports")
    .action(
      managementAction<Flags>(deps, async (ctx, flags) => {
        const response = await ctx.client.listImports(
          { clusterId: flags.cluster ?? "", target: flags.target ?? "" },
          ctx.call,
        );
        if (ctx.output === "json") return ctx.print(jsonDocument(ListImportsResponseSchema, response));
        ctx.print(formatImportTable(response.imports));
      }),
    );
}
