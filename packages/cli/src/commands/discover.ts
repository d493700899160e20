import { type JsonObject, toJson } from "@bufbuild/protobuf";
import { type DiscoverResponse, DiscoverResponseSchema } from "@ferry/api";
import type { Command } from "commander";
import type { CliDeps } from "../cli-deps";
import { type CommandContext, managementAction } from "../command-context";
import { CommandFailedError } from "../errors";
import { collect } from "../flag-values";
import { jsonDocument } from "../output/json";
import { formatTable } from "../output/table";
import { type AddOutcome, addDiscoveredTargets } from "./discover-add";

interface Flags {
  cluster: string[];
  namespace?: string;
  add?: boolean;
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
    .option(
      "--add",
      "register a target for each Prometheus found, named <namespace>-<name>; existing targets are kept",
    )
    .action(
      managementAction<Flags>(deps, async (ctx, flags) => {
        const response = await ctx.client.discover(
          { clusterIds: flags.cluster, namespace: flags.namespace ?? "" },
          ctx.call,
        );
        const added = flags.add
          ? await addDiscoveredTargets(ctx.client, response.entries, ctx.call)
          : undefined;
        if (ctx.output === "json") ctx.print(jsonOutput(response, added));
        else printTables(ctx, deps, response, added);
        if (added?.some((a) => !a.ok))
          throw new CommandFailedError("discover: some targets could not be added");
        // Partial answers are printed, but a script must learn that some clusters did not answer.
        if (response.errors.length > 0) throw new CommandFailedError("");
      }),
    );
}

function jsonOutput(response: DiscoverResponse, added: AddOutcome[] | undefined): string {
  if (!added) return jsonDocument(DiscoverResponseSchema, response);
  // A message always serializes to a JSON object.
  const document = toJson(DiscoverResponseSchema, response, { alwaysEmitImplicit: true }) as JsonObject;
  const outcomes = added.map(({ clusterId, name, endpoint, result }) => ({
    clusterId,
    name,
    endpoint,
    result,
  }));
  return `${JSON.stringify({ ...document, added: outcomes }, null, 2)}\n`;
}

function printTables(
  ctx: CommandContext,
  deps: CliDeps,
  response: DiscoverResponse,
  added: AddOutcome[] | undefined,
): void {
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
  if (added) {
    const rows = added.map((a) => [a.clusterId, a.name, a.endpoint, a.result]);
    ctx.print(`\n${formatTable(["CLUSTER", "TARGET", "ENDPOINT", "RESULT"], rows)}`);
  }
  for (const error of response.errors) {
    deps.stderr.write(`ferry: discover: cluster ${error.clusterId}: ${error.code}: ${error.message}\n`);
  }
}
