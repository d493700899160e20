import { Writable } from "node:stream";
import {
  Code,
  ConnectError,
  createRouterTransport,
  type Interceptor,
  type ServiceImpl,
} from "@connectrpc/connect";
import type { AgentOptions, RunningAgent } from "@ferry/agent";
import { AdminService, ImportService } from "@ferry/api";
import type { GatewayOptions, RunningGateway } from "@ferry/gateway";
import type { CliDeps } from "../cli-deps";
import { adminClientOver, importClientOver } from "../client";
import type { Env } from "../config";
import { runCli } from "../run-cli";

/** 2026-11-23T12:00:00Z: "now" in every CLI test. */
export const NOW_MS = Date.UTC(2026, 10, 23, 12, 0, 0);

/** The admin token every harness run has in FERRY_TOKEN unless its env says otherwise. */
export const HARNESS_ADMIN_TOKEN = "harness-admin-token";

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
  /** AdminService handlers, for the tokens and clusters commands. */
  admin?: Partial<ServiceImpl<typeof AdminService>>;
}

export interface CliHarness {
  readonly stdout: CapturedStream;
  readonly stderr: CapturedStream;
  /** Base URLs the CLI created clients for. */
  readonly serverUrls: string[];
  /** The authorization header of every call that reached a handler. */
  readonly authorizations: string[];
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
  const authorizations: string[] = [];
  // As the gateway does, refuse a call without a bearer token.
  const requireToken: Interceptor = (next) => (req) => {
    const authorization = req.header.get("authorization");
    if (authorization === null) throw new ConnectError("authorization: missing", Code.Unauthenticated);
    authorizations.push(authorization);
    return next(req);
  };
  const transport = createRouterTransport(
    ({ service: register }) => {
      register(ImportService, service);
      register(AdminService, options.admin ?? {});
    },
    { router: { interceptors: [requireToken] } },
  );
  const deps: CliDeps = {
    stdout,
    stderr,
    env: { FERRY_TOKEN: HARNESS_ADMIN_TOKEN, ...options.env },
    now: options.now ?? (() => NOW_MS),
    signal: shutdown.signal,
    createClient: (baseUrl) => {
      serverUrls.push(baseUrl);
      return importClientOver(transport);
    },
    createAdminClient: (baseUrl) => {
      serverUrls.push(baseUrl);
      return adminClientOver(transport);
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
  return { stdout, stderr, serverUrls, authorizations, shutdown, run: (...argv) => runCli(argv, deps) };
}
