import { EditTargetResponseSchema } from "@ferry/api";
import type { Command } from "commander";
import type { CliDeps } from "../cli-deps";
import { managementAction } from "../command-context";
import { UsageError } from "../errors";
import { httpUrlFlag } from "../flag-values";
import { jsonDocument } from "../output/json";
import { formatTargetTable } from "../output/target-table";

interface Flags {
  cluster: string;
  name: string;
  endpoint?: string;
  newName?: string;
}

export function registerTargetsEdit(targets: Command, deps: CliDeps): void {
  targets
    .command("edit")
    .description("change a target's endpoint or name")
    .requiredOption("--cluster <id>", "cluster of the target")
    .requiredOption("--name <name>", "current name of the target")
    .option("--endpoint <url>", "new remote-read URL")
    .option("--new-name <name>", "new name")
    .action(
      managementAction<Flags>(deps, async (ctx, flags) => {
        if (flags.endpoint === undefined && flags.newName === undefined) {
          throw new UsageError("targets edit: nothing to change; give --endpoint and/or --new-name");
        }
        const response = await ctx.client.editTarget(
          {
            clusterId: flags.cluster,
            name: flags.name,
            ...(flags.endpoint !== undefined && { endpoint: httpUrlFlag("--endpoint", flags.endpoint) }),
            ...(flags.newName !== undefined && { newName: flags.newName }),
          },
          ctx.call,
        );
        if (ctx.output === "json") return ctx.print(jsonDocument(EditTargetResponseSchema, response));
        ctx.print(formatTargetTable(response.target ? [response.target] : []));
      }),
    );
}
