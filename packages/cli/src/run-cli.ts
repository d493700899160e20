import { ConnectError } from "@connectrpc/connect";
import { GatewayTrustError } from "@ferry/gateway-trust";
import { CommanderError } from "commander";
import type { CliDeps } from "./cli-deps";
import { ClientConfigFileError } from "./client-config-file";
import { ConfigError } from "./config";
import { CommandFailedError, codeName, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from "./errors";
import { buildProgram } from "./program";

/** Runs `ferry <argv>` and returns the exit status; never calls process.exit. */
export async function runCli(argv: readonly string[], deps: CliDeps): Promise<number> {
  try {
    await buildProgram(deps).parseAsync([...argv], { from: "user" });
    return EXIT_OK;
  } catch (err) {
    return reportError(err, deps);
  }
}

function reportError(err: unknown, deps: CliDeps): number {
  const say = (text: string) => deps.stderr.write(`ferry: ${text}\n`);
  if (err instanceof CommanderError) {
    // Commander has printed the message (or the help) already.
    return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  }
  if (
    err instanceof UsageError ||
    err instanceof ConfigError ||
    err instanceof GatewayTrustError ||
    err instanceof ClientConfigFileError
  ) {
    say(err.message);
    return EXIT_USAGE;
  }
  if (err instanceof CommandFailedError) {
    if (err.message !== "") say(err.message);
    return err.exitCode;
  }
  if (err instanceof ConnectError) {
    say(`${codeName(err.code)}: ${err.rawMessage}`);
    return EXIT_FAILURE;
  }
  say(err instanceof Error ? err.message : String(err));
  return EXIT_FAILURE;
}
