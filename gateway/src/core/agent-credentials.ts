import { Code, ConnectError } from "@connectrpc/connect";
import { hashSecret, newPublicId, newSecret, secretMatches, splitIdSecret } from "./secret";
import type { Store } from "./store";

const PREFIX = "auth/agents/";

interface AgentCredentialRecord {
  clusterId: string;
  /** Public part of the credential ("<id>.<secret>"). */
  id: string;
  secretHash: string;
  enrolledMs: number;
  /** The bootstrap token it was exchanged for. */
  tokenId: string;
  agentVersion: string;
}

/** Who an agent is, once its credential checked out. */
export interface AgentIdentity {
  clusterId: string;
  credentialId: string;
}

/**
 * One credential per cluster, issued at enrollment: the agent sends it as a bearer token on
 * every AgentLink call, and it alone decides the agent's cluster, hence its sink tenant. The
 * store keeps its hash; removing the cluster deletes it, which cuts the agent off.
 */
export class AgentCredentials {
  private readonly byCluster = new Map<string, AgentCredentialRecord>();
  private readonly byId = new Map<string, AgentCredentialRecord>();

  private constructor(private readonly store: Store) {}

  static async load(store: Store): Promise<AgentCredentials> {
    const credentials = new AgentCredentials(store);
    for (const entry of await store.list(PREFIX)) {
      credentials.index(JSON.parse(entry.value) as AgentCredentialRecord);
    }
    return credentials;
  }

  has(clusterId: string): boolean {
    return this.byCluster.has(clusterId);
  }

  /** Issues the cluster's credential; AlreadyExists while it has one. */
  async issue(clusterId: string, tokenId: string, agentVersion: string, nowMs = Date.now()): Promise<string> {
    if (this.byCluster.has(clusterId)) {
      throw new ConnectError(
        `cluster_id: cluster "${clusterId}" already has an enrolled agent; run \`ferry clusters rm ${clusterId}\` first to enroll it again`,
        Code.AlreadyExists,
      );
    }
    const secret = newSecret();
    const record: AgentCredentialRecord = {
      clusterId,
      id: newPublicId(),
      secretHash: hashSecret(secret),
      enrolledMs: nowMs,
      tokenId,
      agentVersion,
    };
    // Indexed before the write, so a concurrent enrollment of the same cluster is refused.
    this.index(record);
    try {
      await this.store.put(PREFIX + clusterId, JSON.stringify(record));
    } catch (error) {
      this.unindex(record);
      throw error;
    }
    return `${record.id}.${secret}`;
  }

  /** The identity a presented credential proves; Unauthenticated when it proves none. */
  authenticate(credential: string | undefined): AgentIdentity {
    if (credential === undefined) {
      throw new ConnectError(
        "authorization: no agent credential; start the agent with --bootstrap-token to enroll it",
        Code.Unauthenticated,
      );
    }
    const parts = splitIdSecret(credential);
    const record = parts ? this.byId.get(parts.id) : undefined;
    if (!parts || !record || !secretMatches(parts.secret, record.secretHash)) {
      throw new ConnectError(
        "authorization: agent credential not valid (revoked by `ferry clusters rm`, or never issued); enroll the agent again with a new bootstrap token",
        Code.Unauthenticated,
      );
    }
    return { clusterId: record.clusterId, credentialId: record.id };
  }

  /** Whether the credential behind `identity` still stands. */
  isValid(identity: AgentIdentity): boolean {
    return this.byCluster.get(identity.clusterId)?.id === identity.credentialId;
  }

  /** Deletes the cluster's credential; returns whether it had one. */
  async revoke(clusterId: string): Promise<boolean> {
    const record = this.byCluster.get(clusterId);
    if (!record) return false;
    this.unindex(record);
    await this.store.delete(PREFIX + clusterId);
    return true;
  }

  private index(record: AgentCredentialRecord): void {
    this.byCluster.set(record.clusterId, record);
    this.byId.set(record.id, record);
  }

  private unindex(record: AgentCredentialRecord): void {
    this.byCluster.delete(record.clusterId);
    this.byId.delete(record.id);
  }
}
