import { releaseBodyBuffer } from "./private/body-pool";

/** One remote-write request's worth of series, ready to be snappy-compressed and sent. */
export interface WriteBatch {
  /** Uncompressed `WriteRequest` bytes. */
  body: Uint8Array;
  /** Float samples in `body`. */
  samples: number;
  /** Native histogram samples in `body`. */
  histograms: number;
  /** `TimeSeries` entries in `body` (each part of a split series counts). */
  series: number;
  /**
   * True when this batch holds a later part of a series split across batches: the writer must
   * wait until the earlier batches are acknowledged before sending it, or the sink sees that
   * series' samples out of order.
   */
  continuesSeries: boolean;
  /**
   * A 32-bit hash of the label bytes of each series in `body`, when the builder knew them: a
   * writer may send this batch while batches of an earlier window are in flight if none of their
   * keys match (equal keys may be a collision, and only cost a wait). Absent means unknown: wait
   * for everything earlier.
   */
  seriesKeys?: Uint32Array;
}

/** How large one batch may grow. */
export interface BatchLimits {
  /** Samples plus histogram samples per batch. */
  maxSamples: number;
  /**
   * Uncompressed body bytes per batch. Only a batch holding a single series part may exceed it,
   * when that series' labels plus one sample are larger on their own.
   */
  maxBytes: number;
}

/**
 * 40 000 samples or 4 MiB. Each push costs the agent and the gateway a fixed amount of CPU (a gRPC
 * call, an HTTP request to the sink): on the 5.76 M-sample bench, 40 000 instead of 10 000 cut the
 * CPU of both by about a third (gateway by half) and raised the speed by a third. It stays below
 * Cortex's default ingestion burst (50 000; a larger request is never admitted) and Mimir's
 * (200 000); its body is about 1 MiB, far below receivers' request size limits.
 */
export const DEFAULT_BATCH_LIMITS: Readonly<BatchLimits> = Object.freeze({
  maxSamples: 40_000,
  maxBytes: 4 * 1024 * 1024,
});

/** Checks limits up front, so a bad value fails at construction rather than mid-stream. */
export function checkBatchLimits(limits: BatchLimits): BatchLimits {
  const { maxSamples, maxBytes } = limits;
  if (!Number.isSafeInteger(maxSamples) || maxSamples < 1) {
    throw new RangeError(`maxSamples must be a positive integer, got ${maxSamples}`);
  }
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1 || maxBytes > 2 ** 31) {
    throw new RangeError(`maxBytes must be an integer in [1, 2^31], got ${maxBytes}`);
  }
  return { maxSamples, maxBytes };
}

/**
 * Hands a batch's body back to the pool its builder writes the next bodies in. Call it once the
 * body has been consumed (compressed, say) and never read it again: a later batch is written
 * over it. Bodies not built by this package's decoders are left alone.
 */
export function releaseBatchBody(batch: WriteBatch): void {
  releaseBodyBuffer(batch.body);
}
