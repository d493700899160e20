import { create } from "@bufbuild/protobuf";
import { EditTargetResponseSchema, type SourceAuth, SourceAuthSchema } from "@ferry/api";
import type { Command } from "commander";
import type { CliDeps } from "../cli-deps";
import { managementAction } from "../command-context";
import { UsageError } from "../errors";
import { httpUrlFlag } from "../flag-values";
import { jsonDocument } from "../output/json";
import { formatTargetTable } from "../output/target-table";
import { type AuthFlags, addAuthOptions, applyAuthFlags, hasAuthFlags } from "./targets-auth";

interface Flags extends AuthFlags {
  cluster: string;
  name: string;
  endpoint?: string;
  newName?: string;
  clearAuth?: boolean;
}

export function registerTargetsEdit(targets: Command, deps: CliDeps): void {
  const edit = targets
    .command("edit")
    .description("change a target's endpoint, name or source credentials")
    .requiredOption("--cluster <id>", "cluster of the target")
    .requiredOption("--name <name>", "current name of the target")
    .option("--endpoint <url>", "new remote-read URL")
    .option("--new-name <name>", "new name");
  addAuthOptions(edit)
    .option("--no-insecure-skip-verify", "verify the source's certificate again")
    .option("--clear-auth", "remove the target's credentials (other credential flags then start afresh)")
    .action(
      managementAction<Flags>(deps, async (ctx, flags) => {
        const authChange = hasAuthFlags(flags) || flags.clearAuth === true;
        if (flags.endpoint === undefined && flags.newName === undefined && !authChange) {
          throw new UsageError(
            "targets edit: nothing to change; give --endpoint, --new-name or credential flags",
          );
        }
        let auth: SourceAuth | undefined;
        if (flags.clearAuth) {
          auth = hasAuthFlags(flags) ? applyAuthFlags(flags) : create(SourceAuthSchema);
        } else if (authChange) {
          // Credential flags change the current credentials; the rest of them stays.
          const current = await ctx.client.getTarget(
            { clusterId: flags.cluster, name: flags.name },
            ctx.call,
          );
          auth = applyAuthFlags(flags, current.target?.auth);
        }
        const response = await ctx.client.editTarget(
          {
            clusterId: flags.cluster,
            name: flags.name,
            ...(flags.endpoint !== undefined && { endpoint: httpUrlFlag("--endpoint", flags.endpoint) }),
            ...(flags.newName !== undefined && { newName: flags.newName }),
            ...(auth !== undefined && { auth }),
          },
          ctx.call,
        );
        if (ctx.output === "json") return ctx.print(jsonDocument(EditTargetResponseSchema, response));
        ctx.print(formatTargetTable(response.target ? [response.target] : []));
      }),
    );
}
