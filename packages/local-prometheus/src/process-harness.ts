import { type ChildProcess, spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { ProcessExitedError, ReadyTimeoutError } from "./errors";
import { killOnExit } from "./private/exit-hooks";
import { LogTail } from "./private/log-tail";

export interface ManagedProcessOptions {
  command: string;
  args: readonly string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Lines of stdout+stderr kept for `logs()` (default 200). */
  logLines?: number;
}

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A child process whose output is kept as a tail and which dies with its parent. */
export interface ManagedProcess {
  readonly pid: number;
  readonly command: string;
  /** Resolves when the process has exited (never rejects; a spawn failure resolves with code null). */
  readonly exited: Promise<ProcessExit>;
  /** Set once the process has exited. */
  readonly exit: ProcessExit | undefined;
  /** The last lines of its stdout and stderr, interleaved as they arrived. */
  logs(lines?: number): string;
  /** SIGTERM, then SIGKILL after `graceMs` (default 10 s); resolves once it has exited. */
  stop(graceMs?: number): Promise<ProcessExit>;
  /** SIGKILL; resolves once it has exited. */
  kill(): Promise<ProcessExit>;
}

export function spawnManaged(opts: ManagedProcessOptions): ManagedProcess {
  const tail = new LogTail(opts.logLines ?? 200);
  const child: ChildProcess = spawn(opts.command, [...opts.args], {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let exit: ProcessExit | undefined;
  const exited = new Promise<ProcessExit>((resolve) => {
    const settle = (result: ProcessExit): void => {
      exit ??= result;
      resolve(exit);
    };
    child.once("error", (err) => {
      tail.note(`ferry: cannot run ${opts.command}: ${err.message}`);
      if (child.pid === undefined) settle({ code: null, signal: null });
    });
    child.once("exit", (code, signal) => {
      // Its last log lines may still be in the pipes: wait for them to close, briefly (a grandchild
      // holding them open must not keep us waiting).
      const done = (): void => {
        clearTimeout(late);
        if (exit) return;
        tail.note(`ferry: ${opts.command} exited with code ${code}, signal ${signal}`);
        settle({ code, signal });
      };
      const late = setTimeout(done, 250);
      child.once("close", done);
    });
  });
  child.stdout?.setEncoding("utf8").on("data", (s: string) => tail.write(s));
  child.stderr?.setEncoding("utf8").on("data", (s: string) => tail.write(s));
  if (child.pid !== undefined) killOnExit(child);

  const signalAndWait = (signal: NodeJS.Signals): Promise<ProcessExit> => {
    if (exit) return Promise.resolve(exit);
    child.kill(signal);
    return exited;
  };

  return {
    pid: child.pid ?? -1,
    command: opts.command,
    exited,
    get exit() {
      return exit;
    },
    logs: (lines?: number) => tail.text(lines),
    kill: () => signalAndWait("SIGKILL"),
    async stop(graceMs = 10_000) {
      if (exit) return exit;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

export interface WaitForHttpReadyOptions {
  /** Default 30 s. */
  timeoutMs?: number;
  /** Poll interval, default 50 ms. */
  intervalMs?: number;
  /** Fail at once, with its log tail, if this process exits while waiting. */
  process?: ManagedProcess;
}

/** Polls `url` until it answers 2xx. */
export async function waitForHttpReady(url: string, opts: WaitForHttpReadyOptions = {}): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const intervalMs = opts.intervalMs ?? 50;
  const proc = opts.process;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc?.exit) throw exitedError(proc);
    try {
      const res = await fetch(url, {
        signal: AbortSignal.timeout(Math.max(100, Math.min(2_000, timeoutMs))),
      });
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    if (proc?.exit) throw exitedError(proc);
    if (Date.now() >= deadline) throw new ReadyTimeoutError(url, timeoutMs, proc?.logs(30) ?? "");
    await (proc ? Promise.race([sleep(intervalMs), proc.exited]) : sleep(intervalMs));
  }
}

function exitedError(proc: ManagedProcess): ProcessExitedError {
  return new ProcessExitedError(
    proc.command,
    proc.exit?.code ?? null,
    proc.exit?.signal ?? null,
    proc.logs(30),
  );
}
