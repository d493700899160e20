import { AddTargetResponseSchema } from "@ferry/api";
import type { Command } from "commander";
import type { CliDeps } from "../cli-deps";
import { managementAction } from "../command-context";
import { httpUrlFlag } from "../flag-values";
import { jsonDocument } from "../output/json";
import { formatTargetTable } from "../output/target-table";
import { type AuthFlags, addAuthOptions, applyAuthFlags, hasAuthFlags } from "./targets-auth";

interface Flags extends AuthFlags {
  cluster: string;
  name: string;
  endpoint: string;
}

export function registerTargetsAdd(targets: Command, deps: CliDeps): void {
  const add = targets
    .command("add")
    .description("register a Prometheus server of a cluster as an import target")
    .requiredOption("--cluster <id>", "cluster the Prometheus server runs in")
    .requiredOption("--name <name>", "target name, unique within the cluster (DNS-1123 label)")
    .requiredOption(
      "--endpoint <url>",
      "remote-read URL, e.g. http://prometheus-operated.monitoring:9090/api/v1/read",
    );
  addAuthOptions(add).action(
    managementAction<Flags>(deps, async (ctx, flags) => {
      const response = await ctx.client.addTarget(
        {
          clusterId: flags.cluster,
          name: flags.name,
          endpoint: httpUrlFlag("--endpoint", flags.endpoint),
          ...(hasAuthFlags(flags) && { auth: applyAuthFlags(flags) }),
        },
        ctx.call,
      );
      if (ctx.output === "json") return ctx.print(jsonDocument(AddTargetResponseSchema, response));
      ctx.print(formatTargetTable(response.target ? [response.target] : []));
    }),
  );
}
