import type { Store } from "./store";

export interface ClusterRecord {
  id: string;
  firstSeenMs: number;
  lastSeenMs: number;
  agentVersion: string;
}

const PREFIX = "clusters/";

/**
 * Every cluster whose agent has ever connected. A cluster becomes known on its agent's
 * first hello; only known clusters can have targets.
 */
export class ClusterRegistry {
  private readonly clusters = new Map<string, ClusterRecord>();

  private constructor(private readonly store: Store) {}

  static async load(store: Store): Promise<ClusterRegistry> {
    const registry = new ClusterRegistry(store);
    for (const entry of await store.list(PREFIX)) {
      const record = JSON.parse(entry.value) as ClusterRecord;
      registry.clusters.set(record.id, record);
    }
    return registry;
  }

  has(id: string): boolean {
    return this.clusters.has(id);
  }

  get(id: string): ClusterRecord | undefined {
    return this.clusters.get(id);
  }

  list(): ClusterRecord[] {
    return [...this.clusters.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  async recordConnect(id: string, agentVersion: string, nowMs = Date.now()): Promise<void> {
    const previous = this.clusters.get(id);
    const record: ClusterRecord = {
      id,
      firstSeenMs: previous?.firstSeenMs ?? nowMs,
      lastSeenMs: nowMs,
      agentVersion,
    };
    this.clusters.set(id, record);
    await this.store.put(PREFIX + id, JSON.stringify(record));
  }

  /** Forgets the cluster; returns whether it was known. */
  async remove(id: string): Promise<boolean> {
    if (!this.clusters.delete(id)) return false;
    await this.store.delete(PREFIX + id);
    return true;
  }
}
