import { type VerifyImportResponse, VerifyImportResponseSchema } from "@ferry/api";
import type { Command } from "commander";
import type { CliDeps } from "../cli-deps";
import { managementAction } from "../command-context";
import { CommandFailedError, UsageError } from "../errors";
import { durationFlag } from "../flag-values";
import { jsonDocument } from "../output/json";
import { formatSeriesLabels } from "../output/query-table";
import { formatTable } from "../output/table";
import { formatCount, formatTimestamp, qualifiedName } from "../output/values";

interface Flags {
  cluster: string;
  target: string;
  window?: string;
  maxMismatches?: string;
}

export function registerImportVerify(imports: Command, deps: CliDeps): void {
  imports
    .command("verify")
    .description(
      "compare, window by window and series by series, the samples of a finished import at the source and in the sink",
    )
    .requiredOption("--cluster <id>", "cluster of the target")
    .requiredOption("--target <name>", "target whose last import to verify")
    .option("--window <duration>", "length of each compared window, e.g. 1h, 30m (default 1h)")
    .option("--max-mismatches <n>", "most mismatching series to list (default 100)")
    .action(
      managementAction<Flags>(deps, async (ctx, flags) => {
        const windowMs = flags.window === undefined ? 0 : durationFlag("--window", flags.window);
        const maxMismatches = flags.maxMismatches === undefined ? 0 : Number(flags.maxMismatches);
        if (!Number.isInteger(maxMismatches) || maxMismatches < 0 || maxMismatches > 2 ** 31 - 1) {
          throw new UsageError(
            `invalid --max-mismatches ${JSON.stringify(flags.maxMismatches)}: expected a positive whole number`,
          );
        }
        const response = await ctx.client.verifyImport(
          { clusterId: flags.cluster, target: flags.target, windowMs: BigInt(windowMs), maxMismatches },
          ctx.call,
        );
        if (ctx.output === "json") ctx.print(jsonDocument(VerifyImportResponseSchema, response));
        else ctx.print(formatVerifyReport(response));
        if (!response.match) {
          throw new CommandFailedError(
            `${qualifiedName(flags.cluster, flags.target)}: ${formatCount(response.mismatchedSeries)} of ${formatCount(response.series)} series differ between source and sink`,
          );
        }
      }),
    );
}

/** The windows, then the mismatching series, then one summary line. */
export function formatVerifyReport(response: VerifyImportResponse): string {
  const windows = formatTable(
    ["START", "END", "SOURCE", "SINK", "SERIES", "MISMATCHED", "RESULT"],
    response.windows.map((w) => [
      formatTimestamp(w.start),
      formatTimestamp(w.end),
      formatCount(w.sourceSamples),
      formatCount(w.sinkSamples),
      formatCount(w.series),
      formatCount(w.mismatchedSeries),
      w.match ? "OK" : "MISMATCH",
    ]),
  );
  let text = windows;
  if (response.mismatches.length > 0) {
    text += `\n${formatTable(
      ["WINDOW", "SERIES", "SOURCE", "SINK"],
      response.mismatches.map((m) => [
        formatTimestamp(m.windowStart),
        formatSeriesLabels(m.labels),
        formatCount(m.sourceSamples),
        formatCount(m.sinkSamples),
      ]),
    )}`;
    if (response.mismatchesOmitted > 0n) {
      text += `… and ${formatCount(response.mismatchesOmitted)} more mismatches (--max-mismatches)\n`;
    }
  }
  const totals = `${formatCount(response.sourceSamples)} samples at the source, ${formatCount(response.sinkSamples)} in the sink, ${formatCount(response.series)} series`;
  text += response.match
    ? `\nOK: ${totals}\n`
    : `\nMISMATCH: ${formatCount(response.mismatchedSeries)} series differ; ${totals}\n`;
  return text;
}
