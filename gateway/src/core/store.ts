/**
 * The gateway's persistent key/value state. Values are JSON documents (protobuf JSON of
 * the API messages), keys are slash-separated paths such as `targets/<cluster>/<name>`.
 * Plugins keep their state under their own prefix.
 */
export interface Store {
  get(key: string): Promise<string | undefined>;
  put(key: string, value: string): Promise<void>;
  /** Returns whether the key existed. */
  delete(key: string): Promise<boolean>;
  /** Every entry whose key starts with `prefix`, ordered by key. */
  list(prefix: string): Promise<StoreEntry[]>;
  close(): Promise<void>;
}

export interface StoreEntry {
  key: string;
  value: string;
}
