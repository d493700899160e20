import { createHash } from "node:crypto";
import { HttpSource, IDLE_SOCKET_MS } from "./http-source";
import type { SourceTls } from "./source-auth";

/** One reader's hold on a shared connection pool; `release` once it is done with it. */
export interface SourceLease {
  readonly source: HttpSource;
  release(): void;
}

interface Entry {
  source: HttpSource;
  readers: number;
  idleTimer?: NodeJS.Timeout;
}

/**
 * Keep-alive connection pools to source endpoints, one per endpoint and TLS settings, shared by
 * every import reading it: a run of back-to-back imports of one Prometheus reuses its connection
 * instead of opening (and, over TLS, negotiating) one per import and closing it again. A pool no
 * reader holds is closed after `keepMs`, as long as its idle sockets would live anyway, so
 * connections to a source no import reads any more do not linger, and back-to-back imports do
 * not pile up connections on the source (Prometheus serves at most 512).
 */
export class SourceConnections {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly keepMs = IDLE_SOCKET_MS) {}

  acquire(endpoint: string, tls: SourceTls): SourceLease {
    const key = keyOf(endpoint, tls);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { source: new HttpSource(endpoint, tls), readers: 0 };
      this.entries.set(key, entry);
    }
    clearTimeout(entry.idleTimer);
    entry.idleTimer = undefined;
    entry.readers++;
    const held = entry;
    let released = false;
    return {
      source: held.source,
      release: () => {
        if (released) return;
        released = true;
        if (--held.readers > 0) return;
        held.idleTimer = setTimeout(() => this.drop(key, held), this.keepMs);
        held.idleTimer.unref();
      },
    };
  }

  /** Endpoint pools kept now, held or idle. */
  get size(): number {
    return this.entries.size;
  }

  /** Closes every pool (the agent is shutting down). */
  close(): void {
    for (const [key, entry] of this.entries) {
      clearTimeout(entry.idleTimer);
      this.drop(key, entry);
    }
  }

  private drop(key: string, entry: Entry): void {
    if (this.entries.get(key) === entry) this.entries.delete(key);
    entry.source.close();
  }
}

/** A rotated CA file makes a pool of its own; the old one closes once its readers are done. */
function keyOf(endpoint: string, tls: SourceTls): string {
  const ca = tls.ca ? createHash("sha256").update(tls.ca).digest("hex") : "";
  return `${endpoint}\n${tls.rejectUnauthorized}\n${ca}`;
}
