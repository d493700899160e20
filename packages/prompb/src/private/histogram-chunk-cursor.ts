import { MalformedError } from "../errors";
import type { ResetHint } from "../histogram";
import { BitReader } from "./bit-reader";
import { chunkSampleCount } from "./chunk-header";
import { HISTOGRAM_HEADER_SIZE, resetHintOf } from "./histogram-layout";

/**
 * What integer and float histogram chunk iterators share: the 3-byte chunk header (sample count,
 * counter-reset flags), the bit reader over the rest, and the reset hint Prometheus derives from
 * the header for each sample.
 */
export abstract class HistogramChunkCursor {
  protected readonly bits = new BitReader();
  protected header = 0;
  protected total = 0;
  /** Samples read so far; the current sample is number `read - 1`. */
  protected read = 0;

  /** Points the cursor at the chunk in `data[start, end)`. */
  reset(data: Uint8Array, start = 0, end = data.length): this {
    if (end - start < HISTOGRAM_HEADER_SIZE)
      throw new MalformedError("histogram chunk shorter than its header");
    this.total = chunkSampleCount(data, start);
    this.header = data[start + 2]! & 0xc0;
    this.bits.reset(data, start + HISTOGRAM_HEADER_SIZE, end);
    this.read = 0;
    return this;
  }

  /** Samples the chunk holds, per its header. */
  get length(): number {
    return this.total;
  }

  /** The reset hint of the current sample, as Prometheus derives it from the chunk header. */
  get resetHint(): ResetHint {
    return resetHintOf(this.header, this.read - 1);
  }
}
