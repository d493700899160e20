import type { Command } from "commander";
import type { CliDeps } from "../cli-deps";
import { type AgentFlags, agentOptionsFrom } from "../config";
import { waitForAbort } from "../wait-for-abort";

export function registerAgent(program: Command, deps: CliDeps): void {
  program
    .command("agent")
    .description("run a cluster's agent: dials the gateway, discovers and imports")
    .option("--gateway <urls>", "gateway URL, or several comma-separated for failover (env FERRY_GATEWAY)")
    .option("--cluster <id>", "this cluster's id; it becomes the sink tenant (env FERRY_CLUSTER)")
    .option("--data-dir <dir>", "where the agent keeps its state (env FERRY_DATA_DIR)")
    .option(
      "--remote-write-listen <host:port>",
      "accept live Prometheus remote_write here, path /api/v1/write (env FERRY_REMOTE_WRITE_LISTEN)",
    )
    .option(
      "--write-concurrency <n>",
      "write requests in flight per import; memory is about this × 4 MiB (env FERRY_WRITE_CONCURRENCY, default 4)",
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
    .action(async (flags: AgentFlags) => {
      const options = agentOptionsFrom(flags, deps.env);
      const agent = await deps.startAgent(options);
      const live = agent.remoteWriteUrl === undefined ? "" : `; live remote-write on ${agent.remoteWriteUrl}`;
      deps.stderr.write(
        `ferry: agent of cluster ${options.clusterId} dialing ${options.gatewayUrl}${live}\n`,
      );
      await waitForAbort(deps.signal);
      deps.stderr.write("ferry: agent shutting down\n");
      await agent.close();
    });
}
