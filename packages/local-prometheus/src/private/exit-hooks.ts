import type { ChildProcess } from "node:child_process";

const live = new Set<ChildProcess>();
let installed = false;
const SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/**
 * Kills `child` with SIGKILL if this process exits (normally, or through SIGINT/SIGTERM/SIGHUP) while
 * it still runs, so test runs and `ferry demo` never leave servers behind. A crash of this process by
 * SIGKILL cannot be caught; nothing here helps then.
 */
export function killOnExit(child: ChildProcess): void {
  install();
  live.add(child);
  child.once("exit", () => live.delete(child));
}

function killAll(): void {
  for (const child of live) {
    try {
      child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
  }
  live.clear();
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on("exit", killAll);
  for (const signal of SIGNALS) {
    const onSignal = (): void => {
      // Someone else handles the signal (a CLI stopping servers gracefully, say); the exit hook
      // remains the backstop. Otherwise keep the signal's default effect, terminating, after the kill.
      if (process.listenerCount(signal) > 1) return;
      killAll();
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}
