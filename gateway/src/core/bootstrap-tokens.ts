import { Code, ConnectError } from "@connectrpc/connect";
import { hashSecret, newPublicId, newSecret, secretMatches, splitIdSecret } from "./secret";
import type { Store } from "./store";

const PREFIX = "auth/bootstrap-tokens/";

export const DEFAULT_TOKEN_TTL_MS = 3600_000;
export const MAX_TOKEN_TTL_MS = 365 * 24 * 3600_000;
/** An expired token is kept this long, so an agent using it hears "expired" rather than "unknown". */
const KEEP_EXPIRED_MS = 24 * 3600_000;

export interface BootstrapTokenRecord {
  id: string;
  secretHash: string;
  createdMs: number;
  expiresMs: number;
  /** Empty: any cluster may enroll with it. */
  clusterId: string;
  uses: number;
}

/**
 * Short-lived tokens an administrator hands to new agents ("<id>.<secret>"; the id is public
 * and listed, the store keeps the secret's hash). A token may enroll several agents until it
 * expires or is revoked; bound to a cluster, only that cluster's agent.
 */
export class BootstrapTokens {
  private readonly tokens = new Map<string, BootstrapTokenRecord>();

  private constructor(private readonly store: Store) {}

  static async load(store: Store): Promise<BootstrapTokens> {
    const tokens = new BootstrapTokens(store);
    for (const entry of await store.list(PREFIX)) {
      const record = JSON.parse(entry.value) as BootstrapTokenRecord;
      tokens.tokens.set(record.id, record);
    }
    return tokens;
  }

  /** Makes a token; `token` is the whole "<id>.<secret>", shown only now. */
  async create(
    ttlMs: number,
    clusterId: string,
    nowMs = Date.now(),
  ): Promise<{ record: BootstrapTokenRecord; token: string }> {
    await this.pruneExpired(nowMs);
    const id = newPublicId();
    const secret = newSecret();
    const record: BootstrapTokenRecord = {
      id,
      secretHash: hashSecret(secret),
      createdMs: nowMs,
      expiresMs: nowMs + ttlMs,
      clusterId,
      uses: 0,
    };
    this.tokens.set(id, record);
    await this.store.put(PREFIX + id, JSON.stringify(record));
    return { record, token: `${id}.${secret}` };
  }

  async list(nowMs = Date.now()): Promise<BootstrapTokenRecord[]> {
    await this.pruneExpired(nowMs);
    return [...this.tokens.values()].sort((a, b) => a.createdMs - b.createdMs || a.id.localeCompare(b.id));
  }

  async revoke(id: string): Promise<boolean> {
    if (!this.tokens.delete(id)) return false;
    await this.store.delete(PREFIX + id);
    return true;
  }

  /** The token's record if it may enroll an agent of `clusterId` now; else a ConnectError saying why. */
  check(token: string, clusterId: string, nowMs = Date.now()): BootstrapTokenRecord {
    const parts = splitIdSecret(token);
    if (!parts) {
      throw new ConnectError(
        "bootstrap_token: expected <id>.<secret> as printed by `ferry tokens create`",
        Code.InvalidArgument,
      );
    }
    const record = this.tokens.get(parts.id);
    if (!record || !secretMatches(parts.secret, record.secretHash)) {
      throw new ConnectError(`bootstrap_token: unknown or revoked token ${parts.id}`, Code.Unauthenticated);
    }
    if (nowMs >= record.expiresMs) {
      throw new ConnectError(
        `bootstrap_token: token ${record.id} expired at ${new Date(record.expiresMs).toISOString()}; create a new one with \`ferry tokens create\``,
        Code.Unauthenticated,
      );
    }
    if (record.clusterId !== "" && record.clusterId !== clusterId) {
      throw new ConnectError(
        `cluster_id: token ${record.id} is for cluster "${record.clusterId}", not "${clusterId}"`,
        Code.PermissionDenied,
      );
    }
    return record;
  }

  async recordUse(id: string): Promise<void> {
    const record = this.tokens.get(id);
    if (!record) return;
    record.uses++;
    await this.store.put(PREFIX + id, JSON.stringify(record));
  }

  private async pruneExpired(nowMs: number): Promise<void> {
    for (const record of [...this.tokens.values()]) {
      if (nowMs >= record.expiresMs + KEEP_EXPIRED_MS) await this.revoke(record.id);
    }
  }
}
