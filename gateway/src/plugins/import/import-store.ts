import { fromJsonString, toJsonString } from "@bufbuild/protobuf";
import { type Import, ImportSchema } from "@ferry/api";
import type { Store } from "../../core/store";

const PREFIX = "imports/";

const keyOf = (clusterId: string, target: string) => `${PREFIX}${clusterId}/${target}`;

/**
 * The latest import of each target, persisted under `imports/<cluster>/<target>`, with
 * an in-memory index by import id for progress reports from agents.
 */
export class ImportStore {
  private readonly byId = new Map<string, Import>();
  private readonly byKey = new Map<string, Import>();
  private readonly dirty = new Set<string>();

  private constructor(private readonly store: Store) {}

  static async load(store: Store): Promise<ImportStore> {
    const imports = new ImportStore(store);
    for (const entry of await store.list(PREFIX)) {
      const record = fromJsonString(ImportSchema, entry.value);
      imports.byId.set(record.id, record);
      imports.byKey.set(keyOf(record.clusterId, record.target), record);
    }
    return imports;
  }

  byImportId(id: string): Import | undefined {
    return this.byId.get(id);
  }

  get(clusterId: string, target: string): Import | undefined {
    return this.byKey.get(keyOf(clusterId, target));
  }

  list(clusterId?: string, target?: string): Import[] {
    return [...this.byId.values()]
      .filter((r) => (!clusterId || r.clusterId === clusterId) && (!target || r.target === target))
      .sort((a, b) => a.clusterId.localeCompare(b.clusterId) || a.target.localeCompare(b.target));
  }

  /** Replaces the import of the record's target (a new run replaces the old one). */
  async save(record: Import): Promise<void> {
    const key = keyOf(record.clusterId, record.target);
    const previous = this.byKey.get(key);
    if (previous && previous.id !== record.id) this.byId.delete(previous.id);
    this.byId.set(record.id, record);
    this.byKey.set(key, record);
    this.dirty.delete(record.id);
    await this.store.put(keyOf(record.clusterId, record.target), toJsonString(ImportSchema, record));
  }

  /** Updates the in-memory view only; the next save() persists it. */
  remember(record: Import): void {
    this.byId.set(record.id, record);
    this.byKey.set(keyOf(record.clusterId, record.target), record);
    this.dirty.add(record.id);
  }

  /** Persists what remember() kept only in memory. */
  async flush(): Promise<void> {
    for (const id of [...this.dirty]) {
      const record = this.byId.get(id);
      if (record) await this.save(record);
      else this.dirty.delete(id);
    }
  }

  async delete(clusterId: string, target: string): Promise<void> {
    const previous = this.get(clusterId, target);
    if (previous) this.byId.delete(previous.id);
    this.byKey.delete(keyOf(clusterId, target));
    await this.store.delete(keyOf(clusterId, target));
  }
}
