import { fromJsonString, toJsonString } from "@bufbuild/protobuf";
import { type Target, TargetSchema } from "@ferry/api";
import type { Store } from "../../core/store";

const PREFIX = "targets/";

const keyOf = (clusterId: string, name: string) => `${PREFIX}${clusterId}/${name}`;

/** Targets, persisted one per key under `targets/<cluster>/<name>`. */
export class TargetStore {
  constructor(private readonly store: Store) {}

  async get(clusterId: string, name: string): Promise<Target | undefined> {
    const json = await this.store.get(keyOf(clusterId, name));
    return json === undefined ? undefined : fromJsonString(TargetSchema, json);
  }

  async put(target: Target): Promise<void> {
    await this.store.put(keyOf(target.clusterId, target.name), toJsonString(TargetSchema, target));
  }

  async delete(clusterId: string, name: string): Promise<boolean> {
    return this.store.delete(keyOf(clusterId, name));
  }

  async list(clusterId?: string): Promise<Target[]> {
    const entries = await this.store.list(clusterId ? `${PREFIX}${clusterId}/` : PREFIX);
    return entries.map((e) => fromJsonString(TargetSchema, e.value));
  }
}
