import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type HandlerContext, type ServiceImpl } from "@connectrpc/connect";
import { type AgentLink, type AgentMessage, type GatewayMessage, GatewayMessageSchema } from "@ferry/api";
import type { Logger } from "pino";
import type { AgentCredentials } from "./agent-credentials";
import { enrollAgent } from "./agent-enrollment";
import type { AgentHub } from "./agent-hub";
import { AgentSession } from "./agent-session";
import { agentIdentity } from "./auth-interceptor";
import type { BootstrapTokens } from "./bootstrap-tokens";
import { validateClusterId } from "./cluster-id";
import type { ClusterRegistry } from "./cluster-registry";
import { forwardPush, SESSION_HEADER } from "./forward-push";
import type { GatewayMetrics } from "./gateway-metrics";
import { type GatewayPlugin, typeNameOf } from "./plugin";
import type { PushLimiter } from "./push-limiter";
import type { SinkClient } from "./sink-client";

export { SESSION_HEADER } from "./forward-push";

export interface AgentLinkDeps {
  hub: AgentHub;
  metrics: GatewayMetrics;
  clusters: ClusterRegistry;
  sink: SinkClient;
  credentials: AgentCredentials;
  tokens: BootstrapTokens;
  plugins: readonly GatewayPlugin[];
  logger: Logger;
  heartbeatIntervalMs: number;
  helloTimeoutMs: number;
  /** Largest payload forwarded; above it a push is answered TOO_LARGE. */
  maxPushBytes: number;
  pushLimiter: PushLimiter;
}

/** AgentLink: the agent's persistent session and the Push path to the sink. */
export function createAgentLinkService(deps: AgentLinkDeps): ServiceImpl<typeof AgentLink> {
  return {
    connect: (requests, ctx) => runSession(deps, requests, ctx),
    push: (request, ctx) =>
      forwardPush(deps, agentIdentity(ctx), ctx.requestHeader.get(SESSION_HEADER) ?? "", request, ctx.signal),
    enroll: (request) => enrollAgent(deps, request),
  };
}

async function* runSession(
  deps: AgentLinkDeps,
  requests: AsyncIterable<AgentMessage>,
  ctx: HandlerContext,
): AsyncGenerator<GatewayMessage> {
  const agent = agentIdentity(ctx);
  const inbound = requests[Symbol.asyncIterator]();
  const hello = await firstMessage(inbound, deps.helloTimeoutMs);
  const clusterError = validateClusterId(hello.clusterId);
  if (clusterError) throw new ConnectError(`hello.cluster_id: ${clusterError}`, Code.InvalidArgument);
  // The cluster, hence the tenant, is the credential's; the hello only confirms it.
  if (hello.clusterId !== agent.clusterId) {
    throw new ConnectError(
      `hello.cluster_id: "${hello.clusterId}" is not the cluster this agent enrolled as ("${agent.clusterId}")`,
      Code.PermissionDenied,
    );
  }

  await deps.clusters.recordConnect(hello.clusterId, hello.agentVersion);
  const session = new AgentSession(randomUUID(), hello.clusterId, hello.agentVersion);
  const log = deps.logger.child({ cluster: session.clusterId, session: session.id });
  const onAbort = () => session.close("stream ended by the agent");
  ctx.signal.addEventListener("abort", onAbort, { once: true });

  session.send(
    create(GatewayMessageSchema, {
      kind: {
        case: "welcome",
        value: { sessionId: session.id, heartbeatIntervalMs: BigInt(deps.heartbeatIntervalMs) },
      },
    }),
  );
  deps.hub.attach(session);
  log.info({ agentVersion: session.agentVersion }, "agent connected");

  const heartbeat = setInterval(() => {
    if (Date.now() - session.lastSeenMs > 3 * deps.heartbeatIntervalMs) {
      session.close("no heartbeat from the agent");
      return;
    }
    if (session.isOpen) {
      session.send(
        create(GatewayMessageSchema, {
          kind: { case: "heartbeat", value: { sentAtMs: BigInt(Date.now()) } },
        }),
      );
    }
  }, deps.heartbeatIntervalMs);

  const pump = pumpInbound(deps, session, inbound, log).then(
    () => session.close("agent closed its stream"),
    (error: unknown) => session.close(`inbound stream failed: ${ConnectError.from(error).message}`),
  );

  // Not awaited: a plugin may call the agent, and replies flow only once this generator yields.
  for (const plugin of deps.plugins) {
    const reports = hello.reports.filter((r) => plugin.handles(typeNameOf(r)));
    plugin.agentConnected?.(session, reports).catch((error: unknown) => {
      log.error({ err: error, plugin: plugin.name }, "plugin failed to take the new session");
    });
  }

  try {
    for await (const message of session.outbox) yield message;
    if (!deps.credentials.isValid(agent)) {
      throw new ConnectError(
        `cluster "${agent.clusterId}" was removed and its agent credential revoked (ferry clusters rm)`,
        Code.Unauthenticated,
      );
    }
  } finally {
    clearInterval(heartbeat);
    ctx.signal.removeEventListener("abort", onAbort);
    session.close("session ended");
    deps.hub.detach(session);
    for (const plugin of deps.plugins) plugin.agentDisconnected?.(session);
    log.info("agent disconnected");
    // Not awaited when the gateway closed the session (cluster removed, session replaced): the
    // pump waits for the agent's next message, and the call must end now. Ending it ends the pump.
    if (!deps.credentials.isValid(agent) || deps.hub.session(session.clusterId) !== undefined) {
      pump.catch(() => undefined);
    } else {
      await pump;
    }
  }
}

async function firstMessage(inbound: AsyncIterator<AgentMessage>, timeoutMs: number) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ConnectError(`no hello within ${timeoutMs} ms`, Code.DeadlineExceeded)),
      timeoutMs,
    );
  });
  try {
    const first = await Promise.race([inbound.next(), timeout]);
    if (first.done || first.value.kind.case !== "hello") {
      throw new ConnectError("the first message on the stream must be a hello", Code.InvalidArgument);
    }
    return first.value.kind.value;
  } finally {
    clearTimeout(timer);
  }
}

async function pumpInbound(
  deps: AgentLinkDeps,
  session: AgentSession,
  inbound: AsyncIterator<AgentMessage>,
  log: Logger,
): Promise<void> {
  for (;;) {
    const next = await inbound.next();
    if (next.done || !session.isOpen) return;
    session.lastSeenMs = Date.now();
    const kind = next.value.kind;
    switch (kind.case) {
      case "reply":
        session.handleReply(kind.value);
        break;
      case "event": {
        const body = kind.value.body;
        if (!body) break;
        const plugin = deps.plugins.find((p) => p.handles(typeNameOf(body)));
        if (!plugin?.agentEvent) {
          log.warn({ type: body.typeUrl }, "event nobody handles");
          break;
        }
        await plugin.agentEvent(session, body).catch((error: unknown) => {
          log.error({ err: error, type: body.typeUrl }, "event handler failed");
        });
        break;
      }
      case "heartbeat":
        break;
      case "hello":
        throw new ConnectError("hello sent twice", Code.InvalidArgument);
      default:
        break;
    }
  }
}
