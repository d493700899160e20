// Public face of @ferry/cli: the command tree and the pieces other packages (the demo, tests) reuse.
export type { CliDeps, OutputStream } from "./cli-deps";
export { createImportClient, type ImportClient, importClientOver } from "./client";
export type { CommandContext, CommandRegistrar, OutputFormat } from "./command-context";
export {
  type AgentFlags,
  agentOptionsFrom,
  ConfigError,
  DEFAULT_SERVER_URL,
  type Env,
  type GatewayFlags,
  gatewayOptionsFrom,
  serverUrlFrom,
} from "./config";
export { InvalidDurationError, parseDuration } from "./duration";
export {
  CommandFailedError,
  EXIT_FAILURE,
  EXIT_INTERRUPTED,
  EXIT_OK,
  EXIT_USAGE,
  UsageError,
} from "./errors";
export { formatImportReport } from "./output/import-report";
export { formatTable } from "./output/table";
export { buildProgram } from "./program";
export { runCli } from "./run-cli";
export { InvalidTimeError, parseTime } from "./time";
