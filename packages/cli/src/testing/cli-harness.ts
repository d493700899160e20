import { Writable } from "node:stream";
import { createRouterTransport, type ServiceImpl } from "@connectrpc/connect";
import type { AgentOptions, RunningAgent } from "@ferry/agent";
import { ImportService } from "@ferry/api";
import type { GatewayOptions, RunningGateway } from "@ferry/gateway";
import type { CliDeps } from "../cli-deps";
import { importClientOver } from "../client";
import type { Env } from "../config";
import { runCli } from "../run-cli";

/** 2026-11-23T12:00:00Z: "now" in every CLI test. */
export const NOW_MS = Date.UTC(2026, 10, 23, 12, 0, 0);

/** A stream that keeps what is written, optionally pretending to be a terminal. */
export class CapturedStream extends Writable {
  text = "";
  isTTY: boolean;
  columns = 120;

  constructor(isTTY = false) {
    super({ decodeStrings: false });
    this.isTTY = isTTY;
  }

  override _write(chunk: unknown, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.text += String(chunk);
    done();
  }

  /** Written text without terminal control sequences. */
  plain(): string {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI escapes
    return this.text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
  }
}

export interface HarnessOptions {
  env?: Env;
  tty?: boolean;
  now?: () => number;
  startGateway?: (options: GatewayOptions) => Promise<RunningGateway>;
  startAgent?: (options: AgentOptions) => Promise<RunningAgent>;
}

export interface CliHarness {
  readonly stdout: CapturedStream;
  readonly stderr: CapturedStream;
  /** Base URLs the CLI created clients for. */
  readonly serverUrls: string[];
  /** Aborts the CLI's shutdown signal, as SIGINT would. */
  readonly shutdown: AbortController;
  run(...argv: string[]): Promise<number>;
}

/**
 * Runs the real command tree against in-test ImportService handlers through connect's
 * in-memory router transport: no server, no sockets.
 */
export function cliHarness(
  service: Partial<ServiceImpl<typeof ImportService>>,
  options: HarnessOptions = {},
): CliHarness {
  const stdout = new CapturedStream(options.tty ?? false);
  const stderr = new CapturedStream(false);
  const serverUrls: string[] = [];
  const shutdown = new AbortController();
  const transport = createRouterTransport(({ service: register }) => {
    register(ImportService, service);
  });
  const deps: CliDeps = {
    stdout,
    stderr,
    env: options.env ?? {},
    now: options.now ?? (() => NOW_MS),
    signal: shutdown.signal,
    createClient: (baseUrl) => {
      serverUrls.push(baseUrl);
      return importClientOver(transport);
    },
    startGateway:
      options.startGateway ??
      (() => {
        throw new Error("startGateway not expected in this test");
      }),
    startAgent:
      options.startAgent ??
      (() => {
        throw new Error("startAgent not expected in this test");
      }),
  };
  return { stdout, stderr, serverUrls, shutdown, run: (...argv) => runCli(argv, deps) };
}
