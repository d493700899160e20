import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Command, Option } from "commander";
import type { CliDeps } from "./cli-deps";
import { registerAgent } from "./commands/agent";
import { registerClusters } from "./commands/clusters";
import { registerDemo } from "./commands/demo";
import { registerDiscover } from "./commands/discover";
import { registerGateway } from "./commands/gateway";
import { registerImport } from "./commands/import";
import { registerQuery } from "./commands/query";
import { registerTargets } from "./commands/targets";
import { registerTokens } from "./commands/tokens";
import { DEFAULT_SERVER_URL } from "./config";

function cliVersion(): string {
  // src/ and dist/ both sit next to package.json.
  const manifest: unknown = JSON.parse(readFileSync(join(__dirname, "..", "package.json"), "utf8"));
  const version = (manifest as { version?: unknown }).version;
  return typeof version === "string" ? version : "unknown";
}

/**
 * The `ferry` command tree. Parsing errors throw (exitOverride) instead of exiting, so
 * runCli decides the exit status; all output goes through `deps`.
 */
export function buildProgram(deps: CliDeps): Command {
  const program = new Command("ferry")
    .description("Move Prometheus history from Kubernetes clusters into Cortex")
    .version(cliVersion(), "-v, --version")
    .option(
      "--server <url>",
      `gateway for management commands (env FERRY_SERVER, else "server" in ~/.config/ferry/config.json, default ${DEFAULT_SERVER_URL})`,
    )
    .option(
      "--token <token>",
      'the gateway\'s admin token (env FERRY_TOKEN, else "token" in ~/.config/ferry/config.json)',
    )
    // Global, so one setting serves the management commands and `ferry agent` alike.
    .option(
      "--gateway-ca <file>",
      'PEM CA (or certificate) an https:// gateway\'s certificate must chain to, for management commands and ferry agent (env FERRY_GATEWAY_CA, or for management commands "gatewayCa" in the config file; default: the system CAs)',
    )
    .option(
      "--gateway-ca-pin <sha256:hex>",
      'accept exactly the gateway certificate with this SHA-256 fingerprint, as `ferry gateway` prints it; comma-separated for several (env FERRY_GATEWAY_CA_PIN, or for management commands "gatewayCaPin" in the config file)',
    )
    .addOption(
      new Option("-o, --output <format>", "output format").choices(["table", "json"]).default("table"),
    )
    .exitOverride()
    .configureOutput({
      writeOut: (text) => deps.stdout.write(text),
      writeErr: (text) => deps.stderr.write(text),
      outputError: (text, write) => write(text.replace(/^error: /, "ferry: ")),
    });

  // Subcommands are added with .command() so they inherit exitOverride and the output setup.
  registerGateway(program, deps);
  registerAgent(program, deps);
  registerTargets(program, deps);
  registerImport(program, deps);
  registerDiscover(program, deps);
  registerClusters(program, deps);
  registerTokens(program, deps);
  registerQuery(program, deps);
  registerDemo(program, deps);
  return program;
}
