import { EventEmitter } from "node:events";
import type { Any } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import type { AgentSession } from "./agent-session";

export interface BroadcastResult {
  clusterId: string;
  body?: Any;
  error?: ConnectError;
}

interface HubEvents {
  connected: [AgentSession];
  disconnected: [AgentSession];
}

/**
 * Who is connected: at most one session per cluster (a newer one replaces an older one,
 * which is what a restarted agent looks like before the old TCP connection times out),
 * routing a call to one agent or broadcasting it to many.
 */
export class AgentHub extends EventEmitter<HubEvents> {
  private readonly byCluster = new Map<string, AgentSession>();
  private readonly bySessionId = new Map<string, AgentSession>();

  attach(session: AgentSession): void {
    const previous = this.byCluster.get(session.clusterId);
    if (previous) {
      this.detach(previous);
      previous.close("replaced by a newer session of the same cluster");
    }
    this.byCluster.set(session.clusterId, session);
    this.bySessionId.set(session.id, session);
    this.emit("connected", session);
  }

  detach(session: AgentSession): void {
    if (this.bySessionId.get(session.id) !== session) return;
    this.bySessionId.delete(session.id);
    if (this.byCluster.get(session.clusterId) === session) this.byCluster.delete(session.clusterId);
    this.emit("disconnected", session);
  }

  session(clusterId: string): AgentSession | undefined {
    return this.byCluster.get(clusterId);
  }

  sessionById(sessionId: string): AgentSession | undefined {
    return this.bySessionId.get(sessionId);
  }

  sessions(): AgentSession[] {
    return [...this.byCluster.values()];
  }

  async call(clusterId: string, body: Any, timeoutMs: number, signal?: AbortSignal): Promise<Any> {
    const session = this.byCluster.get(clusterId);
    if (!session) throw new ConnectError(`cluster ${clusterId}: agent is not connected`, Code.Unavailable);
    return session.call(body, { timeoutMs, signal });
  }

  /** Calls every named cluster (every connected one when none are named) in parallel. */
  async broadcast(
    clusterIds: readonly string[] | undefined,
    body: Any,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<BroadcastResult[]> {
    const targets = clusterIds && clusterIds.length > 0 ? clusterIds : [...this.byCluster.keys()];
    return Promise.all(
      targets.map(async (clusterId): Promise<BroadcastResult> => {
        try {
          return { clusterId, body: await this.call(clusterId, body, timeoutMs, signal) };
        } catch (error) {
          return { clusterId, error: ConnectError.from(error) };
        }
      }),
    );
  }

  /** Closes the cluster's session, if one is open; returns whether one was. */
  disconnect(clusterId: string, reason: string): boolean {
    const session = this.byCluster.get(clusterId);
    if (!session) return false;
    this.detach(session);
    session.close(reason);
    return true;
  }

  closeAll(reason: string): void {
    for (const session of [...this.bySessionId.values()]) {
      this.detach(session);
      session.close(reason);
    }
  }
}
