import { EventEmitter } from "node:events";
import { create } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import { type Client, Code, ConnectError, createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import {
  AgentLink,
  type AgentMessage,
  AgentMessageSchema,
  type Command,
  type PushResponse,
  ReplySchema,
} from "@ferry/api";
import { AsyncQueue } from "@ferry/async-queue";
import { type GatewayTrust, gatewayDialOptions } from "@ferry/gateway-trust";
import type { Logger } from "pino";
import { Backoff, type BackoffOptions, RECONNECT_BACKOFF, sleep } from "./backoff";
import type { Enrollment } from "./enrollment";
import { grpcPushCall } from "./grpc-push-call";
import { LinkState } from "./link-state";
import { type AgentPlugin, typeNameOf } from "./plugin";
import type { PushMessage } from "./push-request-head";

export const SESSION_HEADER = "ferry-session";

export interface GatewayLinkOptions {
  /** One or more gateways; when one cannot be reached (a standby does not listen) the next is tried. */
  gatewayUrls: readonly string[];
  clusterId: string;
  agentVersion: string;
  /** The agent's credential, sent on every call; obtained by enrolling on first contact. */
  enrollment: Enrollment;
  logger: Logger;
  backoff?: BackoffOptions;
  /** How an https:// gateway's certificate is checked: a CA file, a pinned fingerprint, or the system CAs. */
  trust?: GatewayTrust;
}

/** Codes after which dialling again cannot help: the gateway refuses who we are. */
const FATAL_CODES = new Set([
  Code.Unauthenticated,
  Code.PermissionDenied,
  Code.FailedPrecondition,
  Code.InvalidArgument,
  Code.AlreadyExists,
]);

/**
 * The agent's end of AgentLink: dials out, says hello, answers the gateway's commands
 * through the plugins, and reconnects with backoff. An explicit state machine
 * (idle → connecting → ready → transient_failure → … → shutdown).
 */
export class GatewayLink extends EventEmitter<{ state: [LinkState]; fatal: [ConnectError] }> {
  private readonly endpoints: Array<{
    url: string;
    sessions: Http2SessionManager;
    client: Client<typeof AgentLink>;
    /** The Push method's HTTP/2 path under the gateway URL. */
    pushPath: string;
  }>;
  private current = 0;
  private plugins: readonly AgentPlugin[] = [];
  private currentState = LinkState.Idle;
  private sessionId: string | undefined;
  private outbox: AsyncQueue<AgentMessage> | undefined;
  private sessionAbort: AbortController | undefined;
  private readonly shutdown = new AbortController();
  private loopDone: Promise<void> | undefined;
  private readonly log: Logger;

  constructor(private readonly options: GatewayLinkOptions) {
    super();
    if (options.gatewayUrls.length === 0) throw new Error("at least one gateway URL is needed");
    this.log = options.logger.child({ cluster: options.clusterId });
    // No HTTP/2 PINGs from connect-node: its keepalive timer can ping a session that was just
    // destroyed and crash the process (connectrpc/connect-es#1795, unfixed in 2.1). The
    // application heartbeat (Welcome.heartbeat_interval_ms, both directions) finds a dead peer.
    this.endpoints = options.gatewayUrls.map((url) => {
      const sessions = new Http2SessionManager(url, undefined, gatewayDialOptions(options.trust));
      const client = createClient(
        AgentLink,
        createGrpcTransport({
          baseUrl: url,
          sessionManager: sessions,
          readMaxBytes: 64 * 1024 * 1024,
          writeMaxBytes: 64 * 1024 * 1024,
          interceptors: [sendCredential(options.enrollment)],
        }),
      );
      const pushPath = `${new URL(url).pathname.replace(/\/+$/, "")}/${AgentLink.typeName}/${AgentLink.method.push.name}`;
      return { url, sessions, client, pushPath };
    });
  }

  /** The client of the gateway currently (or last) connected. */
  get client(): Client<typeof AgentLink> {
    return this.endpoint.client;
  }

  private get endpoint() {
    return this.endpoints[this.current % this.endpoints.length] as (typeof this.endpoints)[number];
  }

  get state(): LinkState {
    return this.currentState;
  }

  /** The open session's id, for the Push header; undefined unless ready. */
  get session(): string | undefined {
    return this.currentState === LinkState.Ready ? this.sessionId : undefined;
  }

  setPlugins(plugins: readonly AgentPlugin[]): void {
    this.plugins = plugins;
  }

  start(): void {
    if (this.loopDone) return;
    this.loopDone = this.runForever();
  }

  /** Resolves with the session id once ready; rejects when the signal aborts or the link shuts down. */
  whenReady(signal?: AbortSignal): Promise<string> {
    const ready = this.session;
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        this.off("state", onState);
        signal?.removeEventListener("abort", onAbort);
      };
      const onState = (state: LinkState) => {
        if (state === LinkState.Ready && this.sessionId) {
          cleanup();
          resolve(this.sessionId);
        } else if (state === LinkState.Shutdown) {
          cleanup();
          reject(new ConnectError("agent link is shut down", Code.Canceled));
        }
      };
      const onAbort = () => {
        cleanup();
        reject(signal?.reason);
      };
      if (this.currentState === LinkState.Shutdown) {
        reject(new ConnectError("agent link is shut down", Code.Canceled));
        return;
      }
      this.on("state", onState);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /**
   * Pushes one payload to the gateway currently connected, in the session `session`, on the
   * link's HTTP/2 connection and with its credential, without the copies of a connect-es call.
   */
  push(message: PushMessage, session: string, signal?: AbortSignal): Promise<PushResponse> {
    const endpoint = this.endpoint;
    const headers: Record<string, string> = { [SESSION_HEADER]: session };
    const credential = this.options.enrollment.current;
    if (credential !== undefined) headers.authorization = `Bearer ${credential}`;
    return grpcPushCall(endpoint.sessions, endpoint.pushPath, headers, message, signal);
  }

  sendEvent(body: Any): boolean {
    if (this.currentState !== LinkState.Ready || !this.outbox || this.outbox.isClosed) return false;
    this.outbox.push(create(AgentMessageSchema, { kind: { case: "event", value: { body } } }));
    return true;
  }

  async close(): Promise<void> {
    this.shutdown.abort(new ConnectError("agent shutting down", Code.Canceled));
    this.sessionAbort?.abort();
    this.outbox?.close();
    await this.loopDone;
    this.setState(LinkState.Shutdown);
    for (const endpoint of this.endpoints) endpoint.sessions.abort();
  }

  private setState(state: LinkState): void {
    if (this.currentState === state) return;
    this.currentState = state;
    this.emit("state", state);
  }

  private async runForever(): Promise<void> {
    const backoff = new Backoff(this.options.backoff ?? RECONNECT_BACKOFF);
    while (!this.shutdown.signal.aborted) {
      this.setState(LinkState.Connecting);
      try {
        await this.runSession(() => backoff.reset());
        if (this.shutdown.signal.aborted) break;
        this.log.warn("gateway ended the session");
      } catch (error) {
        if (this.shutdown.signal.aborted) break;
        const reason = ConnectError.from(error);
        if (FATAL_CODES.has(reason.code)) {
          this.log.error({ code: Code[reason.code], err: reason.rawMessage }, refusalTitle(reason.code));
          this.setState(LinkState.Shutdown);
          this.emit("fatal", reason);
          return;
        }
        this.log.warn(
          { code: Code[reason.code], err: reason.rawMessage, gateway: this.endpoint.url },
          "gateway link failed",
        );
      }
      // Next time, the next gateway of the list (a standby does not listen; the leader does).
      this.current++;
      this.setState(LinkState.TransientFailure);
      const delay = backoff.next();
      await sleep(delay, this.shutdown.signal).catch(() => undefined);
    }
    this.setState(LinkState.Shutdown);
  }

  private async runSession(onReady: () => void): Promise<void> {
    await this.options.enrollment.obtain(this.endpoint.client, this.shutdown.signal);
    const outbox = new AsyncQueue<AgentMessage>();
    const abort = new AbortController();
    this.outbox = outbox;
    this.sessionAbort = abort;
    this.sessionId = undefined;
    outbox.push(
      create(AgentMessageSchema, {
        kind: {
          case: "hello",
          value: {
            clusterId: this.options.clusterId,
            agentVersion: this.options.agentVersion,
            reports: this.plugins.flatMap((p) => p.reports()),
          },
        },
      }),
    );
    let watchdog: NodeJS.Timeout | undefined;
    let lastHeardMs = Date.now();
    try {
      for await (const message of this.endpoint.client.connect(outbox, { signal: abort.signal })) {
        lastHeardMs = Date.now();
        const kind = message.kind;
        switch (kind.case) {
          case "welcome": {
            this.sessionId = kind.value.sessionId;
            const intervalMs = Number(kind.value.heartbeatIntervalMs) || 10_000;
            watchdog = setInterval(() => {
              if (Date.now() - lastHeardMs > 3 * intervalMs) abort.abort(new Error("gateway heartbeat lost"));
            }, intervalMs);
            onReady();
            this.setState(LinkState.Ready);
            this.log.info(
              { session: this.sessionId, gateway: this.endpoint.url },
              "connected to the gateway",
            );
            break;
          }
          case "command":
            void this.dispatch(kind.value, outbox, abort.signal);
            break;
          case "heartbeat":
            if (!outbox.isClosed) {
              outbox.push(
                create(AgentMessageSchema, {
                  kind: { case: "heartbeat", value: { sentAtMs: BigInt(Date.now()) } },
                }),
              );
            }
            break;
          default:
            break;
        }
      }
    } finally {
      clearInterval(watchdog);
      outbox.close();
      abort.abort();
      this.sessionId = undefined;
    }
  }

  private async dispatch(
    command: Command,
    outbox: AsyncQueue<AgentMessage>,
    signal: AbortSignal,
  ): Promise<void> {
    const reply = create(ReplySchema, { commandId: command.id });
    const body = command.body;
    const plugin = body ? this.plugins.find((p) => p.handles(typeNameOf(body))) : undefined;
    if (!body || !plugin) {
      reply.error = {
        $typeName: "ferry.v1.ReplyError",
        code: "unimplemented",
        message: `no plugin handles ${body?.typeUrl ?? "an empty command"}`,
      };
    } else {
      try {
        reply.body = await plugin.handleCommand(body, signal);
      } catch (error) {
        const e = ConnectError.from(error);
        reply.error = { $typeName: "ferry.v1.ReplyError", code: codeName(e.code), message: e.rawMessage };
      }
    }
    if (!outbox.isClosed) outbox.push(create(AgentMessageSchema, { kind: { case: "reply", value: reply } }));
  }
}

/** Adds `authorization: Bearer <credential>` once the agent has one (Enroll goes without). */
function sendCredential(enrollment: Enrollment): Interceptor {
  return (next) => (req) => {
    const credential = enrollment.current;
    if (credential !== undefined) req.header.set("authorization", `Bearer ${credential}`);
    return next(req);
  };
}

function refusalTitle(code: Code): string {
  if (code === Code.Unauthenticated) return "gateway refused the agent's credential or bootstrap token";
  if (code === Code.PermissionDenied) return "gateway refused the agent: not allowed for this cluster";
  if (code === Code.AlreadyExists) return "gateway refused to enroll the agent: its cluster has one already";
  return "gateway refused the agent";
}

function codeName(code: Code): string {
  return Code[code].replace(/[A-Z]/g, (c, i: number) => (i ? "_" : "") + c.toLowerCase());
}
