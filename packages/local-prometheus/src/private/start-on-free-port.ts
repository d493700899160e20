import { ProcessExitedError } from "../errors";
import { freePort } from "../free-port";

const ATTEMPTS = 5;

/**
 * Calls `start` with `requested`, or with a free port when `requested` is 0 or absent. A free port can
 * be taken by someone else between our probe and the server's bind; then we try another one.
 */
export async function startOnFreePort<T>(requested: number | undefined, start: (port: number) => Promise<T>) {
  if (requested) return start(requested);
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await freePort());
    } catch (err) {
      const raced = err instanceof ProcessExitedError && /address already in use/i.test(err.logTail);
      if (!raced || attempt >= ATTEMPTS) throw err;
    }
  }
}
