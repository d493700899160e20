import { ListClustersResponseSchema, RemoveClusterResponseSchema } from "@ferry/api";
import type { Command } from "commander";
import type { CliDeps } from "../cli-deps";
import { managementAction } from "../command-context";
import { jsonDocument } from "../output/json";
import { formatTable } from "../output/table";
import { formatTimestamp } from "../output/values";

export function registerClusters(program: Command, deps: CliDeps): void {
  const clusters = program
    .command("clusters")
    .description("list clusters: whether their agent is connected, since when, targets")
    .action(
      managementAction<Record<string, never>>(deps, async (ctx) => {
        const response = await ctx.client.listClusters({}, ctx.call);
        if (ctx.output === "json") return ctx.print(jsonDocument(ListClustersResponseSchema, response));
        ctx.print(
          formatTable(
            ["CLUSTER", "CONNECTED", "SINCE", "AGENT", "TARGETS"],
            response.clusters.map((c) => [
              c.id,
              c.connected ? "yes" : "no",
              c.connected ? formatTimestamp(c.connectedSince) : "-",
              c.agentVersion === "" ? "-" : c.agentVersion,
              String(c.targets),
            ]),
          ),
        );
      }),
    );

  clusters
    .command("rm")
    .alias("remove")
    .argument("<id>", "the cluster's id")
    .description("remove a cluster: revoke its agent's credential and close its session at once")
    .action(
      managementAction<Record<string, never>>(deps, async (ctx, _flags, args) => {
        const clusterId = args[0] ?? "";
        const response = await ctx.admin.removeCluster({ clusterId }, ctx.call);
        if (ctx.output === "json") return ctx.print(jsonDocument(RemoveClusterResponseSchema, response));
        const closed = response.disconnected ? "; its agent was disconnected" : "";
        ctx.print(`removed cluster ${clusterId}: its agent credential is revoked${closed}\n`);
      }),
    );
}
