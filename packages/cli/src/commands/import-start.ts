import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { RejectPolicy, StartImportResponseSchema } from "@ferry/api";
import type { Command } from "commander";
import type { CliDeps } from "../cli-deps";
import { managementAction } from "../command-context";
import { CommandFailedError, EXIT_INTERRUPTED, UsageError } from "../errors";
import { collect, selectorFlags, timeFlag } from "../flag-values";
import { followImport } from "../follow-import";
import { formatImportPreview } from "../output/import-preview";
import { formatImportTable } from "../output/import-table";
import { jsonDocument, jsonLine } from "../output/json";
import { formatTime, qualifiedName } from "../output/values";
import { TIME_FORMS } from "../time";

interface Flags {
  cluster: string;
  target: string;
  start: string;
  end: string;
  match: string[];
  follow?: boolean;
  force?: boolean;
  onReject: string;
  rateLimit?: string;
  label: string[];
  drop: string[];
  dryRun?: boolean;
}

export function registerImportStart(imports: Command, deps: CliDeps): void {
  imports
    .command("start")
    .description("import a target's history for a time range into the sink")
    .requiredOption("--cluster <id>", "cluster of the target")
    .requiredOption("--target <name>", "target to read from")
    .requiredOption("--start <time>", `beginning of the range: ${TIME_FORMS}`)
    .requiredOption("--end <time>", "end of the range (same forms)")
    .option(
      "--match <selector>",
      "series selector, e.g. 'up{job=\"node\"}'; repeat for more (default: all)",
      collect,
      [],
    )
    .option("--follow", "show progress until the import ends; exit 0 only if it completes")
    .option("--force", "start again although an earlier import of this target finished")
    .option(
      "--on-reject <policy>",
      "when the sink refuses samples for good: fail (stop and explain) or count (skip them, keep counting)",
      "fail",
    )
    .option("--rate-limit <samples/s>", "samples per second this import may write (default: no limit)")
    .option("--label <name=value>", "label added to every imported series; repeat for more", collect, [])
    .option("--drop <selector>", "series selector of series not to import; repeat for more", collect, [])
    .option(
      "--dry-run",
      "read a few probes of the source and print series, estimated samples, planned windows and warnings; write nothing",
    )
    .action(
      managementAction<Flags>(deps, async (ctx, flags) => {
        const now = deps.now();
        const startMs = timeFlag("--start", flags.start, now);
        const endMs = timeFlag("--end", flags.end, now);
        if (startMs >= endMs) {
          throw new UsageError(
            `--start (${formatTime(startMs)}) must be before --end (${formatTime(endMs)})`,
          );
        }
        const selectors = selectorFlags("--match", flags.match);
        const drops = selectorFlags("--drop", flags.drop);
        const onReject = { fail: RejectPolicy.FAIL, count: RejectPolicy.COUNT }[flags.onReject];
        if (onReject === undefined)
          throw new UsageError(`--on-reject: "${flags.onReject}" is neither fail nor count`);
        const rateLimit = flags.rateLimit === undefined ? 0 : Number(flags.rateLimit);
        if (flags.rateLimit !== undefined && !(Number.isFinite(rateLimit) && rateLimit > 0)) {
          throw new UsageError(
            `--rate-limit: "${flags.rateLimit}" is not a positive number of samples per second`,
          );
        }
        const extraLabels = labelFlags(flags.label);
        const dryRun = flags.dryRun === true;
        if (dryRun && flags.follow) throw new UsageError("--dry-run starts nothing to --follow");

        const response = await ctx.client.startImport(
          {
            clusterId: flags.cluster,
            target: flags.target,
            start: timestampFromMs(startMs),
            end: timestampFromMs(endMs),
            selectors,
            force: flags.force === true,
            onReject,
            rateLimit,
            extraLabels,
            dropSelectors: drops,
            dryRun,
          },
          ctx.call,
        );
        if (dryRun) {
          if (ctx.output === "json") return ctx.print(jsonDocument(StartImportResponseSchema, response));
          if (!response.preview)
            throw new CommandFailedError("the gateway answered the dry run without a preview");
          const subject = { clusterId: flags.cluster, target: flags.target, startMs, endMs };
          return ctx.print(formatImportPreview(subject, response.preview));
        }
        const started = response.import;
        if (!flags.follow || started === undefined) {
          if (ctx.output === "json") return ctx.print(jsonDocument(StartImportResponseSchema, response));
          return ctx.print(formatImportTable(started ? [started] : []));
        }

        if (ctx.output === "json") {
          ctx.print(jsonLine(StartImportResponseSchema, response));
        } else {
          ctx.print(
            `started import ${started.id} of ${qualifiedName(started.clusterId, started.target)}: ${formatTime(startMs)} .. ${formatTime(endMs)}\n`,
          );
        }
        let status: number;
        try {
          status = await followImport(ctx, started);
        } catch (err) {
          if (err instanceof ConnectError && err.code === Code.Canceled && deps.signal.aborted) {
            throw new CommandFailedError(
              `interrupted; import ${started.id} keeps running (stop it with: ferry import stop --cluster ${started.clusterId} --target ${started.target})`,
              EXIT_INTERRUPTED,
            );
          }
          throw err;
        }
        if (status !== 0) throw new CommandFailedError("", status);
      }),
    );
}

function labelFlags(values: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf("=");
    const name = eq > 0 ? value.slice(0, eq) : "";
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name) || eq === value.length - 1) {
      throw new UsageError(`--label: "${value}" is not name=value with a valid label name and a value`);
    }
    labels[name] = value.slice(eq + 1);
  }
  return labels;
}
