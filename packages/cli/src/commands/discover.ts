import { DiscoverResponseSchema } from "@ferry/api";
import type { Command } from "commander";
import type { CliDeps } from "../cli-deps";
import { managementAction } from "../command-context";
import { CommandFailedError } from "../errors";
import { collect } from "../flag-values";
import { jsonDocument } from "../output/json";
import { formatTable } from "../output/table";

interface Flags {
  cluster: string[];
  namespace?: string;
}

export function registerDiscover(program: Command, deps: CliDeps): void {
  program
    .command("discover")
    .description("ask agents which Prometheus servers they see in their clusters")
    .option(
      "--cluster <id>",
      "ask this cluster's agent; repeat for more (default: every connected one)",
      collect,
      [],
    )
    .option("--namespace <ns>", "only look in this Kubernetes namespace")
    .action(
      managementAction<Flags>(deps, async (ctx, flags) => {
        const response = await ctx.client.discover(
          { clusterIds: flags.cluster, namespace: flags.namespace ?? "" },
          ctx.call,
        );
        if (ctx.output === "json") {
          ctx.print(jsonDocument(DiscoverResponseSchema, response));
        } else {
          ctx.print(
            formatTable(
              ["CLUSTER", "NAMESPACE", "NAME", "REMOTE-READ URL", "VERSION", "NOTE"],
              response.entries.map(({ clusterId, target }) => [
                clusterId,
                target?.namespace ?? "",
                target?.name ?? "",
                target?.remoteReadUrl ?? "",
                target?.version ?? "",
                target?.note ?? "",
              ]),
            ),
          );
          for (const error of response.errors) {
            deps.stderr.write(
              `ferry: discover: cluster ${error.clusterId}: ${error.code}: ${error.message}\n`,
            );
          }
        }
        // Partial answers are printed, but a script must learn that some clusters did not answer.
        if (response.errors.length > 0) throw new CommandFailedError("");
      }),
    );
}
