import type { Command } from "commander";
import type { CliDeps } from "../cli-deps";
import { type AgentFlags, agentOptionsFrom } from "../config";
import { CommandFailedError } from "../errors";
import { waitForAbort } from "../wait-for-abort";

export function registerAgent(program: Command, deps: CliDeps): void {
  program
    .command("agent")
    .description("run a cluster's agent: dials the gateway, discovers and imports")
    .option("--gateway <urls>", "gateway URL, or several comma-separated for failover (env FERRY_GATEWAY)")
    .option("--cluster <id>", "this cluster's id; it becomes the sink tenant (env FERRY_CLUSTER)")
    .option("--data-dir <dir>", "where the agent keeps its state, its credential too (env FERRY_DATA_DIR)")
    .option(
      "--bootstrap-token <token>",
      "from `ferry tokens create`: enrolls the agent on first contact; not needed once its credential is in --data-dir (env FERRY_BOOTSTRAP_TOKEN)",
    )
    .option(
      "--remote-write-listen <host:port>",
      "accept live Prometheus remote_write here, path /api/v1/write (env FERRY_REMOTE_WRITE_LISTEN)",
    )
    .option(
      "--write-concurrency <n>",
      "write requests in flight per import; memory is about this × 4 MiB (env FERRY_WRITE_CONCURRENCY, default 4)",
    )
    .option(
      "--batch-samples <n>",
      "samples per write request; keep it under the sink's per-tenant burst, e.g. Cortex's ingestion_burst_size (env FERRY_BATCH_SAMPLES, default 40000)",
    )
    .option(
      "--window-bytes <size>",
      "remote-read response size a time window aims at, e.g. 16MiB (env FERRY_WINDOW_BYTES, default 16MiB)",
    )
    .option(
      "--read-deadline <duration>",
      "an import fails when remote reads of a window keep failing this long (env FERRY_READ_DEADLINE, default 5m)",
    )
    .option(
      "--kubeconfig <file>",
      "kubeconfig for Prometheus discovery (env FERRY_KUBECONFIG; default: the pod's service account in a cluster)",
    )
    .option(
      "--discovery-namespace <ns>",
      "discover only in this namespace, for RBAC limited to it (env FERRY_DISCOVERY_NAMESPACE)",
    )
    .option(
      "--metrics-listen <host:port>",
      "serve Prometheus metrics at http://HOST:PORT/metrics (env FERRY_METRICS_LISTEN)",
    )
    // --gateway-ca and --gateway-ca-pin are global options (shared with the management commands).
    .action(async (_flags: AgentFlags, command: Command) => {
      const options = agentOptionsFrom(command.optsWithGlobals<AgentFlags>(), deps.env);
      const agent = await deps.startAgent(options);
      const live = agent.remoteWriteUrl === undefined ? "" : `; live remote-write on ${agent.remoteWriteUrl}`;
      const metrics = agent.metricsUrl === undefined ? "" : `; metrics at ${agent.metricsUrl}`;
      deps.stderr.write(
        `ferry: agent of cluster ${options.clusterId} dialing ${options.gatewayUrl}${live}${metrics}\n`,
      );
      const failed = agent.failed.then(
        () => undefined,
        (error: unknown) => error,
      );
      const outcome = await Promise.race([waitForAbort(deps.signal).then(() => undefined), failed]);
      if (outcome !== undefined) {
        await agent.close();
        throw new CommandFailedError(
          `agent stopped: ${outcome instanceof Error ? outcome.message : String(outcome)}`,
        );
      }
      deps.stderr.write("ferry: agent shutting down\n");
      await agent.close();
    });
}
