/** Copies up to this many bytes one by one: below it, making a view of the source costs more. */
const SHORT_COPY = 256;

/**
 * Copies `src[start, end)` to `dst` at `at`, like `dst.set(src.subarray(start, end), at)` but
 * without allocating a view for a short range (a label, a series' labels): the decoders copy a few
 * of those per series, and a view per copy filled the agent's young generation.
 */
export function copyBytes(dst: Uint8Array, at: number, src: Uint8Array, start: number, end: number): void {
  if (end - start > SHORT_COPY) {
    dst.set(src.subarray(start, end), at);
    return;
  }
  for (let i = start, j = at; i < end; i++, j++) dst[j] = src[i]!;
}
