import { Code, ConnectError } from "@connectrpc/connect";
import type { GatewayTrust } from "@ferry/gateway-trust";
import type { Command } from "commander";
import type { CliDeps } from "./cli-deps";
import type { AdminClient, ImportClient } from "./client";
import { readClientConfigFile } from "./client-config-file";
import { adminTokenFrom, gatewayTrustFrom, serverUrlFrom, type TrustFlags } from "./config";
import { CommandFailedError, describeConnectError, EXIT_INTERRUPTED } from "./errors";
import { BarImportView } from "./output/bar-import-view";
import type { ImportView, ImportViewOptions } from "./output/import-view";
import { JsonImportView } from "./output/json-import-view";
import { PlainImportView } from "./output/plain-import-view";

export type OutputFormat = "table" | "json";

export interface GlobalFlags extends TrustFlags {
  server?: string;
  token?: string;
  output: OutputFormat;
}

/** What a management command works with: the client, the output format, the I/O. */
export interface CommandContext {
  readonly deps: CliDeps;
  readonly output: OutputFormat;
  readonly serverUrl: string;
  readonly client: ImportClient;
  readonly admin: AdminClient;
  /** Pass to every call: SIGINT/SIGTERM cancels it, and it carries the admin token. */
  readonly call: { signal: AbortSignal; headers?: Record<string, string> };
  print(text: string): void;
  importView(options: ImportViewOptions): ImportView;
}

/** Shape of every command module: adds its command(s) to a parent. */
export type CommandRegistrar = (parent: Command, deps: CliDeps) => void;

function contextFor(command: Command, deps: CliDeps): CommandContext {
  const globals = command.optsWithGlobals<GlobalFlags>();
  const file = readClientConfigFile(deps.env);
  const serverUrl = serverUrlFrom(globals.server, deps.env, file);
  const trust = gatewayTrustFrom(globals, deps.env, [serverUrl], file);
  const adminToken = adminTokenFrom(globals.token, deps.env, file);
  return createCommandContext(deps, serverUrl, globals.output, trust, adminToken);
}

/** A context for talking to the gateway at `serverUrl`. */
export function createCommandContext(
  deps: CliDeps,
  serverUrl: string,
  output: OutputFormat,
  trust?: GatewayTrust,
  adminToken?: string,
): CommandContext {
  let admin: AdminClient | undefined;
  return {
    deps,
    output,
    serverUrl,
    client: deps.createClient(serverUrl, trust),
    // Made on first use: most commands never call AdminService.
    get admin() {
      admin ??= deps.createAdminClient(serverUrl, trust);
      return admin;
    },
    call: adminToken
      ? { signal: deps.signal, headers: { authorization: `Bearer ${adminToken}` } }
      : { signal: deps.signal },
    print: (text) => deps.stdout.write(text),
    importView: (options) => {
      if (output === "json") return new JsonImportView(deps.stdout);
      if (deps.stdout.isTTY === true) return new BarImportView(deps.stdout, deps.now, options);
      return new PlainImportView(deps.stdout, deps.now, options);
    },
  };
}

/**
 * Wraps a management command's action: builds its context, and turns a ConnectError into
 * `<code>: <message>` (exit 1), or exit 130 when the call was cancelled by SIGINT/SIGTERM.
 */
export function managementAction<Flags>(
  deps: CliDeps,
  run: (ctx: CommandContext, flags: Flags, args: string[]) => Promise<void>,
): (...actionArgs: unknown[]) => Promise<void> {
  return async (...actionArgs) => {
    const command = actionArgs[actionArgs.length - 1] as Command;
    const flags = command.opts<Record<string, unknown>>() as Flags;
    const ctx = contextFor(command, deps);
    try {
      await run(ctx, flags, command.args);
    } catch (err) {
      if (!(err instanceof ConnectError)) throw err;
      if (err.code === Code.Canceled && deps.signal.aborted) {
        throw new CommandFailedError("interrupted", EXIT_INTERRUPTED);
      }
      throw new CommandFailedError(describeConnectError(err, ctx.serverUrl));
    }
  };
}
