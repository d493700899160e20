import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { QueryResponseSchema, SeriesResponseSchema } from "@ferry/api";
import type { Command } from "commander";
import type { CliDeps } from "../cli-deps";
import { type CommandContext, managementAction } from "../command-context";
import { UsageError } from "../errors";
import { collect, durationFlag, selectorFlags, timeFlag } from "../flag-values";
import { jsonDocument } from "../output/json";
import { formatQueryTable } from "../output/query-table";
import { formatSeriesTable } from "../output/series-table";
import { TIME_FORMS } from "../time";

interface Flags {
  cluster: string;
  time?: string;
  start?: string;
  end?: string;
  step?: string;
  series: string[];
}

export function registerQuery(program: Command, deps: CliDeps): void {
  program
    .command("query")
    .description("run PromQL against the sink, or look series up (--series), as the cluster's tenant")
    .argument("[promql]", "the query, e.g. 'rate(up[5m])'")
    .requiredOption("--cluster <id>", "cluster whose data to query (its tenant)")
    .option("--time <time>", `instant query at this time (default now): ${TIME_FORMS}`)
    .option("--start <time>", "range query: beginning (with --end and --step)")
    .option("--end <time>", "range query: end")
    .option("--step <duration>", "range query: resolution, e.g. 30s, 5m")
    .option(
      "--series <selector>",
      "list the series matching this selector instead of querying (/api/v1/series); repeat for more; --start and --end bound it",
      collect,
      [],
    )
    .action(
      managementAction<Flags>(deps, async (ctx, flags, [promql]) => {
        const now = deps.now();
        if (flags.series.length > 0) return lookUpSeries(ctx, flags, promql, now);
        if (promql === undefined) throw new UsageError("missing required argument 'promql'");
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

async function lookUpSeries(ctx: CommandContext, flags: Flags, promql: string | undefined, now: number) {
  if (promql !== undefined) {
    throw new UsageError("--series lists series; give the selectors with --series and no PromQL query");
  }
  if (flags.time !== undefined || flags.step !== undefined) {
    throw new UsageError("--time and --step are for queries; --series takes only --start and --end");
  }
  const matchers = selectorFlags("--series", flags.series);
  const startMs = flags.start === undefined ? undefined : timeFlag("--start", flags.start, now);
  const endMs = flags.end === undefined ? undefined : timeFlag("--end", flags.end, now);
  if (startMs !== undefined && endMs !== undefined && startMs > endMs) {
    throw new UsageError("--start must not be after --end");
  }
  const response = await ctx.client.series(
    {
      clusterId: flags.cluster,
      matchers,
      start: startMs === undefined ? undefined : timestampFromMs(startMs),
      end: endMs === undefined ? undefined : timestampFromMs(endMs),
    },
    ctx.call,
  );
  if (ctx.output === "json") return ctx.print(jsonDocument(SeriesResponseSchema, response));
  ctx.print(formatSeriesTable(response));
}
