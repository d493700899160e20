import { decodeWriteRequest, uncompressBlock } from "@ferry/prompb";
import { SinkPassThrough } from "./sink-pass-through";

/**
 * A pass-through in front of a sink that checks what a strict receiver (Prometheus without an
 * out-of-order window) checks: every sample of a series is newer than the last one it got for
 * that series. It counts violations instead of refusing them, and holds each request a random
 * 0-`maxDelayMs` before passing it on, so requests sent at once may overtake each other.
 */
export class OrderCheckingSink extends SinkPassThrough {
  /** Samples that arrived at or before the newest one already received for their series. */
  outOfOrder = 0;
  samples = 0;
  maxDelayMs = 15;
  private readonly last = new Map<string, number>();

  constructor(upstream: string) {
    // Checked when the request is let through, as a receiver appends it.
    super(
      upstream,
      (_, body) => this.check(body),
      () => Math.random() * this.maxDelayMs,
    );
  }

  private check(compressed: Buffer): void {
    for (const series of decodeWriteRequest(uncompressBlock(compressed, 64 << 20))) {
      const key = JSON.stringify(series.labels);
      let last = this.last.get(key) ?? Number.NEGATIVE_INFINITY;
      for (const { timestampMs } of series.samples) {
        this.samples++;
        if (timestampMs <= last) this.outOfOrder++;
        else last = timestampMs;
      }
      this.last.set(key, last);
    }
  }
}
