import type { Command } from "commander";
import type { CliDeps } from "../cli-deps";
import { DEFAULT_SERVER_URL, type GatewayFlags, gatewayOptionsFrom } from "../config";
import { CommandFailedError } from "../errors";
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
    .option(
      "--metrics-listen <host:port>",
      "serve Prometheus metrics at http://HOST:PORT/metrics (env FERRY_METRICS_LISTEN)",
    )
    .option("--store <kind>", "file (default) or etcd (env FERRY_STORE)")
    .option(
      "--etcd-endpoints <urls>",
      "comma-separated etcd client URLs for --store etcd; gateways sharing them elect one leader (env FERRY_ETCD_ENDPOINTS)",
    )
    .option("--etcd-prefix <prefix>", "key prefix in etcd (env FERRY_ETCD_PREFIX, default ferry/)")
    .option(
      "--leader-lease <seconds>",
      "leader lease TTL, bounds failover time (env FERRY_LEADER_LEASE, default 10)",
    )
    .option(
      "--max-push-bytes-per-second <size>",
      "push bytes per second each cluster's agent may send, e.g. 200MiB; 0 for no limit (env FERRY_MAX_PUSH_BYTES_PER_SECOND, default 0)",
    )
    .option("--tls-cert <file>", "PEM certificate (chain) to serve, with --tls-key (env FERRY_TLS_CERT)")
    .option("--tls-key <file>", "PEM private key of --tls-cert (env FERRY_TLS_KEY)")
    .option(
      "--tls-san <names>",
      "comma-separated extra DNS names and IPs for the self-signed certificate made without --tls-cert (env FERRY_TLS_SAN)",
    )
    .option(
      "--plaintext",
      "serve plain h2c without TLS, for local use only (env FERRY_PLAINTEXT=true); the default is TLS, self-signed unless --tls-cert",
    )
    .option(
      "--admin-token-file <path>",
      "keep the admin token here: written (0600) when missing, adopted when present (env FERRY_ADMIN_TOKEN_FILE)",
    )
    .action(async (flags: GatewayFlags) => {
      const options = gatewayOptionsFrom(flags, deps.env);
      const gateway = await deps.startGateway(options);
      deps.stderr.write(
        gateway.fingerprint === undefined
          ? `ferry: gateway serving on ${gateway.url} (plain text, local use only)\n`
          : `ferry: gateway serving on ${gateway.url}; certificate fingerprint ${gateway.fingerprint}\n`,
      );
      if (gateway.adminTokenCreated && options.adminTokenFile === undefined) {
        deps.stderr.write(
          `ferry: admin token (shown once; the gateway keeps only its hash): ${gateway.adminToken}\n` +
            "ferry: management commands take it as --token or FERRY_TOKEN\n",
        );
      } else if (gateway.adminTokenCreated) {
        deps.stderr.write(`ferry: admin token written to ${options.adminTokenFile}\n`);
      }
      const failed = gateway.failed.then(
        () => undefined,
        (error: unknown) => error,
      );
      const outcome = await Promise.race([waitForAbort(deps.signal).then(() => undefined), failed]);
      if (outcome !== undefined) {
        throw new CommandFailedError(
          `gateway stopped: ${outcome instanceof Error ? outcome.message : String(outcome)}`,
        );
      }
      deps.stderr.write("ferry: gateway shutting down\n");
      await gateway.close();
    });
}
