/**
 * Buffers that finished batch bodies are built in, handed back once the consumer is done with a
 * body (`releaseBatchBody`). Without it every body is a fresh allocation of up to a few MiB that
 * only a full GC frees: on the 5.76 M-sample bench that was about 100 MiB of ArrayBuffers per
 * import in the agent, which kept V8 starting major GCs. A body that is never released is simply
 * collected, as before.
 */
const MAX_POOLED = 4;

const pooled: Uint8Array[] = [];
/** Buffers handed out and not yet released: releasing anything else (or twice) is a no-op. */
const lent = new WeakSet<ArrayBufferLike>();

/** A buffer of at least `minBytes`, from the pool when one is large enough. */
export function acquireBodyBuffer(minBytes: number): Uint8Array {
  for (let i = pooled.length - 1; i >= 0; i--) {
    const buf = pooled[i] as Uint8Array;
    if (buf.length >= minBytes) {
      pooled.splice(i, 1);
      lent.add(buf.buffer);
      return buf;
    }
  }
  const buf = new Uint8Array(minBytes);
  lent.add(buf.buffer);
  return buf;
}

/**
 * Gives back the buffer under `body`, a view from `acquireBodyBuffer`: the caller must not read
 * `body` afterwards, since the next batch is written over it.
 */
export function releaseBodyBuffer(body: Uint8Array): void {
  const buffer = body.buffer;
  if (!lent.has(buffer)) return;
  lent.delete(buffer);
  if (pooled.length >= MAX_POOLED) return;
  pooled.push(new Uint8Array(buffer));
}

/** Buffers waiting in the pool (for tests). */
export function pooledBodyBuffers(): number {
  return pooled.length;
}
