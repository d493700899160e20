import type { Http2Session } from "node:http2";

/**
 * A connection that opens no stream this long after it is accepted is destroyed: a client that
 * connects and says nothing (or never finishes the HTTP/2 preface) would hold a socket and its
 * buffers for free. Every Ferry client sends its first request right after connecting.
 */
export const FIRST_REQUEST_TIMEOUT_MS = 10_000;

/**
 * A connection with no open stream this long is closed with a GOAWAY; a client that comes back
 * dials again. Agents hold their session stream open, so this only ends forgotten clients.
 */
export const IDLE_CONNECTION_TIMEOUT_MS = 5 * 60_000;

/**
 * Largest request message of every service but AgentLink (whose Push carries payloads): the
 * management API's requests are a few KiB, so a huge one is only ever an attack on memory.
 */
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

export interface IdleLimits {
  firstRequestMs: number;
  idleMs: number;
}

/** Closes `session` when it opens no stream in time, or keeps none open for too long. */
export function closeWhenIdle(
  session: Http2Session,
  limits: IdleLimits = { firstRequestMs: FIRST_REQUEST_TIMEOUT_MS, idleMs: IDLE_CONNECTION_TIMEOUT_MS },
): void {
  let open = 0;
  let used = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (open > 0 || session.destroyed) return;
      if (used) session.close();
      else session.destroy();
    }, ms);
    timer.unref();
  };
  session.on("stream", (stream) => {
    used = true;
    open++;
    clearTimeout(timer);
    stream.once("close", () => {
      open--;
      if (open === 0 && !session.closed) arm(limits.idleMs);
    });
  });
  session.once("close", () => clearTimeout(timer));
  arm(limits.firstRequestMs);
}
