import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { type EnrollRequest, type EnrollResponse, EnrollResponseSchema } from "@ferry/api";
import type { Logger } from "pino";
import type { AgentCredentials } from "./agent-credentials";
import type { BootstrapTokens } from "./bootstrap-tokens";
import { validateClusterId } from "./cluster-id";

export interface EnrollmentDeps {
  tokens: BootstrapTokens;
  credentials: AgentCredentials;
  logger: Logger;
}

/** AgentLink.Enroll: a valid bootstrap token buys the cluster's credential, once. */
export async function enrollAgent(deps: EnrollmentDeps, request: EnrollRequest): Promise<EnrollResponse> {
  const clusterError = validateClusterId(request.clusterId);
  if (clusterError) throw new ConnectError(`cluster_id: ${clusterError}`, Code.InvalidArgument);
  const token = deps.tokens.check(request.bootstrapToken, request.clusterId);
  const credential = await deps.credentials.issue(request.clusterId, token.id, request.agentVersion);
  await deps.tokens.recordUse(token.id);
  deps.logger.info(
    { cluster: request.clusterId, token: token.id, agentVersion: request.agentVersion },
    "agent enrolled",
  );
  return create(EnrollResponseSchema, { clusterId: request.clusterId, credential });
}
