import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { PushOutcome, type PushRequest, type PushResponse, PushResponseSchema } from "@ferry/api";
import type { AgentIdentity } from "./agent-credentials";
import type { AgentLinkDeps } from "./agent-link-service";

/** The header of every Push naming the agent's open session (from its Welcome). */
export const SESSION_HEADER = "ferry-session";

export type PushDeps = Pick<AgentLinkDeps, "hub" | "metrics" | "sink" | "maxPushBytes" | "pushLimiter">;

/**
 * Forwards one push of an authenticated agent to the sink, in the agent's session `sessionId`,
 * with the session's cluster as tenant, and says how the sink took it. Served both by the
 * connect-es AgentLink service and by the hand-written gRPC route (grpc-push-route.ts).
 */
export async function forwardPush(
  deps: PushDeps,
  agent: AgentIdentity,
  sessionId: string,
  request: PushRequest,
  signal: AbortSignal,
): Promise<PushResponse> {
  const session = deps.hub.sessionById(sessionId);
  // Unavailable, not refused: the agent is reconnecting and pushes again on its new session.
  if (!session) {
    throw new ConnectError(`${SESSION_HEADER}: no open agent session with this id`, Code.Unavailable);
  }
  if (session.clusterId !== agent.clusterId) {
    throw new ConnectError(
      `${SESSION_HEADER}: the session is not of this agent's cluster`,
      Code.PermissionDenied,
    );
  }
  if (request.payload.byteLength > deps.maxPushBytes) {
    return create(PushResponseSchema, {
      outcome: PushOutcome.TOO_LARGE,
      message: `payload: ${request.payload.byteLength} bytes, above the gateway's limit of ${deps.maxPushBytes}`,
    });
  }
  deps.pushLimiter.admit(session.clusterId, request.payload.byteLength);
  // The tenant is the credential's cluster (the session's too), never anything inside the payload.
  const started = performance.now();
  const result = await deps.sink.write(request.payload, session.clusterId, signal);
  deps.metrics.observePush(
    result,
    Number(request.samples + request.histograms),
    request.payload.byteLength,
    (performance.now() - started) / 1000,
  );
  switch (result.kind) {
    case "accepted":
      return create(PushResponseSchema, { outcome: PushOutcome.ACCEPTED, sinkStatus: result.status });
    case "rejected":
      return create(PushResponseSchema, {
        outcome: PushOutcome.REJECTED,
        reason: result.reason,
        sinkStatus: result.status,
        message: result.message,
      });
    case "too_large":
      return create(PushResponseSchema, {
        outcome: PushOutcome.TOO_LARGE,
        sinkStatus: result.status,
        message: result.message,
      });
    case "retry": {
      const code = result.status === 429 ? Code.ResourceExhausted : Code.Unavailable;
      const error = new ConnectError(
        `sink answered ${result.status || "nothing"}: ${result.message || "no message"}`,
        code,
      );
      if (result.retryAfterMs !== undefined)
        error.metadata.set("retry-after-ms", String(result.retryAfterMs));
      throw error;
    }
  }
}
