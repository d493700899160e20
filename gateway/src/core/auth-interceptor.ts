import {
  Code,
  ConnectError,
  createContextKey,
  type HandlerContext,
  type Interceptor,
} from "@connectrpc/connect";
import { AgentLink } from "@ferry/api";
import type { AdminToken } from "./admin-token";
import type { AgentCredentials, AgentIdentity } from "./agent-credentials";
import { bearerToken } from "./secret";

/** The agent an AgentLink call was authenticated as; set by the auth interceptor. */
export const AGENT_IDENTITY = createContextKey<AgentIdentity | undefined>(undefined, {
  description: "authenticated agent",
});

/**
 * Every call carries `authorization: Bearer …`: AgentLink calls an agent credential (whose
 * cluster is put in the context for the handlers), every other service the admin token.
 * Enroll is the one call without, as it is how an agent gets its credential.
 */
export function createAuthInterceptor(access: {
  admin: AdminToken;
  credentials: AgentCredentials;
}): Interceptor {
  return (next) => async (req) => {
    const token = bearerToken(req.header.get("authorization"));
    if (req.service.typeName === AgentLink.typeName) {
      if (req.method !== AgentLink.method.enroll) {
        req.contextValues.set(AGENT_IDENTITY, access.credentials.authenticate(token));
      }
    } else if (token === undefined) {
      throw new ConnectError(
        "authorization: missing `Bearer <admin token>` (the ferry CLI takes --token or FERRY_TOKEN)",
        Code.Unauthenticated,
      );
    } else if (!access.admin.verify(token)) {
      throw new ConnectError("authorization: not the admin token", Code.Unauthenticated);
    }
    return next(req);
  };
}

/** The calling agent's identity; Unauthenticated if the interceptor did not establish one. */
export function agentIdentity(ctx: HandlerContext): AgentIdentity {
  const identity = ctx.values.get(AGENT_IDENTITY);
  if (!identity) throw new ConnectError("authorization: no agent credential", Code.Unauthenticated);
  return identity;
}
