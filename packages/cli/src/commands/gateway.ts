import type { Command } from "commander";
import type { CliDeps } from "../cli-deps";
import { DEFAULT_SERVER_URL, type GatewayFlags, gatewayOptionsFrom } from "../config";
import { waitForAbort } from "../wait-for-abort";

export function registerGateway(program: Command, deps: CliDeps): void {
  program
    .command("gateway")
    .description("run the gateway: management API, agent sessions, forwarding to the sink")
    .option(
      "--listen <host:port>",
      `address of the one HTTP/2 port (env FERRY_LISTEN, default ${new URL(DEFAULT_SERVER_URL).host})`,
    )
    .option("--data-dir <dir>", "where targets and imports are stored (env FERRY_DATA_DIR)")
    .option("--remote-write-url <url>", "the sink's remote-write endpoint (env FERRY_REMOTE_WRITE_URL)")
    .option(
      "--tenant-header <name>",
      "header carrying the tenant (env FERRY_TENANT_HEADER, default X-Scope-OrgID)",
    )
    .option("--query-url <url>", "prefix of the sink's Prometheus API, for ferry query (env FERRY_QUERY_URL)")
    .action(async (flags: GatewayFlags) => {
      const options = gatewayOptionsFrom(flags, deps.env);
      const gateway = await deps.startGateway(options);
      deps.stderr.write(`ferry: gateway serving on ${gateway.url}\n`);
      await waitForAbort(deps.signal);
      deps.stderr.write("ferry: gateway shutting down\n");
      await gateway.close();
    });
}
