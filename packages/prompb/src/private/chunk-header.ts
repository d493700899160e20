/** Samples a Prometheus chunk holds, whatever its encoding: its first two bytes, big-endian. */
export function chunkSampleCount(data: Uint8Array, start: number): number {
  return (data[start]! << 8) | data[start + 1]!;
}
