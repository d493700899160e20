import type { Command } from "commander";
import type { CliDeps } from "../cli-deps";
import { runDemo } from "../demo/run-demo";
import { CommandFailedError, EXIT_FAILURE } from "../errors";

interface Flags {
  series: string;
  hours: string;
  keep?: boolean;
}

export function registerDemo(program: Command, deps: CliDeps): void {
  program
    .command("demo")
    .description(
      "import a day of history from a local Prometheus into a local sink through a gateway and an agent, with live progress",
    )
    .option("--series <n>", "series in the generated history", "500")
    .option("--hours <n>", "hours of history at 15 s resolution", "24")
    .option("--keep", "keep the working directory (data, logs) instead of removing it")
    .action(async (flags: Flags) => {
      const series = positiveInteger("--series", flags.series);
      const hours = positiveInteger("--hours", flags.hours);
      const ok = await runDemo(deps, { series, hours, keep: flags.keep === true });
      if (!ok) throw new CommandFailedError("", EXIT_FAILURE);
    });
}

function positiveInteger(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new CommandFailedError(`${flag}: "${value}" is not a positive integer`, 2);
  return n;
}
