import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { QueryResponseSchema } from "@ferry/api";
import type { Command } from "commander";
import type { CliDeps } from "../cli-deps";
import { managementAction } from "../command-context";
import { UsageError } from "../errors";
import { durationFlag, timeFlag } from "../flag-values";
import { jsonDocument } from "../output/json";
import { formatQueryTable } from "../output/query-table";
import { TIME_FORMS } from "../time";

interface Flags {
  cluster: string;
  time?: string;
  start?: string;
  end?: string;
  step?: string;
}

export function registerQuery(program: Command, deps: CliDeps): void {
  program
    .command("query")
    .description("run PromQL against the sink, as the cluster's tenant")
    .argument("<promql>", "the query, e.g. 'rate(up[5m])'")
    .requiredOption("--cluster <id>", "cluster whose data to query (its tenant)")
    .option("--time <time>", `instant query at this time (default now): ${TIME_FORMS}`)
    .option("--start <time>", "range query: beginning (with --end and --step)")
    .option("--end <time>", "range query: end")
    .option("--step <duration>", "range query: resolution, e.g. 30s, 5m")
    .action(
      managementAction<Flags>(deps, async (ctx, flags, [promql = ""]) => {
        const now = deps.now();
        const rangeFlags = [flags.start, flags.end, flags.step].filter((v) => v !== undefined).length;
        if (rangeFlags > 0 && rangeFlags < 3)
          throw new UsageError("a range query needs all of --start, --end and --step");
        if (rangeFlags === 3 && flags.time !== undefined) {
          throw new UsageError(
            "--time is for instant queries; it cannot be combined with --start/--end/--step",
          );
        }
        if (promql.trim() === "") throw new UsageError("the query is empty");

        const request =
          rangeFlags === 3
            ? rangeRequest(flags, now)
            : { time: timestampFromMs(flags.time === undefined ? now : timeFlag("--time", flags.time, now)) };
        const response = await ctx.client.query(
          { clusterId: flags.cluster, query: promql, ...request },
          ctx.call,
        );
        if (ctx.output === "json") return ctx.print(jsonDocument(QueryResponseSchema, response));
        ctx.print(formatQueryTable(response));
      }),
    );
}

function rangeRequest(flags: Flags, now: number) {
  const startMs = timeFlag("--start", flags.start ?? "", now);
  const endMs = timeFlag("--end", flags.end ?? "", now);
  if (startMs > endMs) throw new UsageError("--start must not be after --end");
  const stepMs = durationFlag("--step", flags.step ?? "");
  return { start: timestampFromMs(startMs), end: timestampFromMs(endMs), stepMs: BigInt(stepMs) };
}
