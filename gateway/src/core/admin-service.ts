import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import { type AdminService, type BootstrapToken, BootstrapTokenSchema } from "@ferry/api";
import type { Logger } from "pino";
import type { AgentCredentials } from "./agent-credentials";
import type { AgentHub } from "./agent-hub";
import {
  type BootstrapTokenRecord,
  type BootstrapTokens,
  DEFAULT_TOKEN_TTL_MS,
  MAX_TOKEN_TTL_MS,
} from "./bootstrap-tokens";
import { validateClusterId } from "./cluster-id";
import type { ClusterRegistry } from "./cluster-registry";

export interface AdminServiceDeps {
  tokens: BootstrapTokens;
  credentials: AgentCredentials;
  clusters: ClusterRegistry;
  hub: AgentHub;
  logger: Logger;
}

/** AdminService: bootstrap tokens, and removing a cluster (which revokes its agent). */
export function createAdminService(deps: AdminServiceDeps): ServiceImpl<typeof AdminService> {
  const log = deps.logger.child({ service: "admin" });
  return {
    async createBootstrapToken(request) {
      const ttlMs = Number(request.ttlMs);
      if (ttlMs < 0 || ttlMs > MAX_TOKEN_TTL_MS) {
        throw new ConnectError(
          `ttl_ms: must be from 0 (the default, 1h) to ${MAX_TOKEN_TTL_MS}`,
          Code.InvalidArgument,
        );
      }
      if (request.clusterId !== "") requireClusterId(request.clusterId);
      const { record, token } = await deps.tokens.create(ttlMs || DEFAULT_TOKEN_TTL_MS, request.clusterId);
      log.info({ token: record.id, cluster: record.clusterId || undefined }, "bootstrap token created");
      return { token: tokenMessage(record), secret: token };
    },
    async listBootstrapTokens() {
      return { tokens: (await deps.tokens.list()).map(tokenMessage) };
    },
    async revokeBootstrapToken(request) {
      if (!(await deps.tokens.revoke(request.id))) {
        throw new ConnectError(`id: no bootstrap token "${request.id}"`, Code.NotFound);
      }
      log.info({ token: request.id }, "bootstrap token revoked");
      return {};
    },
    async removeCluster(request) {
      const clusterId = request.clusterId;
      requireClusterId(clusterId);
      if (!deps.clusters.has(clusterId) && !deps.credentials.has(clusterId)) {
        throw new ConnectError(`cluster_id: unknown cluster "${clusterId}"`, Code.NotFound);
      }
      // The credential goes first, so the agent cannot get back in once its session is closed.
      await deps.credentials.revoke(clusterId);
      const disconnected = deps.hub.disconnect(clusterId, "cluster removed by an administrator");
      await deps.clusters.remove(clusterId);
      log.info({ cluster: clusterId, disconnected }, "cluster removed; its agent credential is revoked");
      return { disconnected };
    },
  };
}

function requireClusterId(clusterId: string): void {
  const problem = validateClusterId(clusterId);
  if (problem) throw new ConnectError(`cluster_id: ${problem}`, Code.InvalidArgument);
}

function tokenMessage(record: BootstrapTokenRecord): BootstrapToken {
  return create(BootstrapTokenSchema, {
    id: record.id,
    createdAt: timestampFromMs(record.createdMs),
    expiresAt: timestampFromMs(record.expiresMs),
    clusterId: record.clusterId,
    uses: record.uses,
  });
}
