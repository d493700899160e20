import { closeImportClients, createAdminClient, createImportClient } from "./client";
import { EXIT_INTERRUPTED } from "./errors";
import { runCli } from "./run-cli";

// The process entry of `ferry` (bin/ferry.js): real I/O, and SIGINT/SIGTERM turned into an
// abort signal so servers close cleanly and calls in flight are cancelled. A second signal
// while shutting down exits at once.
const shutdown = new AbortController();
const onSignal = (signal: NodeJS.Signals): void => {
  if (shutdown.signal.aborted) process.exit(EXIT_INTERRUPTED);
  shutdown.abort(new Error(`received ${signal}`));
};
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);

runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  now: () => Date.now(),
  signal: shutdown.signal,
  createClient: createImportClient,
  createAdminClient,
  // Loaded on use: an agent process need not load the gateway (etcd client, X.509), nor the reverse.
  startGateway: async (options) => (await import("@ferry/gateway")).startGateway(options),
  startAgent: async (options) => (await import("@ferry/agent")).startAgent(options),
}).then(
  (code) => {
    closeImportClients();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`ferry: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
