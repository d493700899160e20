import { StopImportResponseSchema } from "@ferry/api";
import type { Command } from "commander";
import type { CliDeps } from "../cli-deps";
import { managementAction } from "../command-context";
import { formatImportTable } from "../output/import-table";
import { jsonDocument } from "../output/json";

interface Flags {
  cluster: string;
  target: string;
}

export function registerImportStop(imports: Command, deps: CliDeps): void {
  imports
    .command("stop")
    .description("stop a target's running import; what was written stays")
    .requiredOption("--cluster <id>", "cluster of the target")
    .requiredOption("--target <name>", "target whose import to stop")
    .action(
      managementAction<Flags>(deps, async (ctx, flags) => {
        const response = await ctx.client.stopImport(
          { clusterId: flags.cluster, target: flags.target },
          ctx.call,
        );
        if (ctx.output === "json") return ctx.print(jsonDocument(StopImportResponseSchema, response));
        ctx.print(formatImportTable(response.import ? [response.import] : []));
      }),
    );
}
