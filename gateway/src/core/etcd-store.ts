import type { Etcd3 } from "etcd3";
import type { Store, StoreEntry } from "./store";

/**
 * Store in etcd under a key prefix, so several gateways (one serving, the others waiting
 * to take over) share one state. Every write is a single linearizable put.
 */
export class EtcdStore implements Store {
  constructor(
    private readonly client: Etcd3,
    private readonly prefix = "ferry/",
  ) {}

  async get(key: string): Promise<string | undefined> {
    const value = await this.client.get(this.prefix + key).string();
    return value ?? undefined;
  }

  async put(key: string, value: string): Promise<void> {
    await this.client.put(this.prefix + key).value(value);
  }

  async delete(key: string): Promise<boolean> {
    const result = await this.client.delete().key(this.prefix + key);
    return Number(result.deleted) > 0;
  }

  async list(prefix: string): Promise<StoreEntry[]> {
    const all = await this.client
      .getAll()
      .prefix(this.prefix + prefix)
      .strings();
    return Object.entries(all)
      .map(([key, value]) => ({ key: key.slice(this.prefix.length), value }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async close(): Promise<void> {
    // The client belongs to whoever built it (it also holds the leader lease).
  }
}
