import { PushOutcome, RejectPolicy, RejectReason } from "@ferry/api";
import { compressBlock, releaseBatchBody, uncompressBlock, type WriteBatch } from "@ferry/prompb";
import type { PushClient } from "../../core/push-client";
import type { Counters } from "./import-counters";
import type { ImportRunMetrics } from "./import-metrics";
import type { RateLimiter } from "./rate-limiter";
import { SinkRejectedError } from "./sink-rejected-error";
import { splitBatch } from "./split-batch";

export interface BatchWriterOptions {
  importId: string;
  concurrency: number;
  onReject: RejectPolicy;
  limiter: RateLimiter;
  signal: AbortSignal;
  metrics: ImportRunMetrics;
  /**
   * The previous window's writer, whose pushes may still be in flight: they count against
   * `concurrency`, and a batch holding one of their series waits for them.
   */
  after?: BatchWriter;
}

/**
 * Pushes write batches with a bounded number in flight (the memory bound) and counts every
 * batch it sends as read, then as written or rejected by reason, so read = written + rejected
 * once it has drained. A batch that continues a series split across batches waits until
 * everything before it is acknowledged, and one holding a series that a push of the previous
 * window (`after`) still carries waits for that push, so the samples of one series reach the
 * sink in timestamp order. 413 splits a batch in two. A rejection fails the import unless the
 * policy is to count.
 */
export class BatchWriter {
  /** Pushes in flight, with the keys of their series (undefined: unknown, conflicts with all). */
  private readonly inFlight = new Map<Promise<void>, Uint32Array | undefined>();
  private failure: { error: unknown } | undefined;
  /**
   * `options.after` until its pushes are all answered (it gets no new ones: its window is read),
   * or for good once one failed. Not kept longer, or every window's writer would hold the last.
   */
  private after: BatchWriter | undefined;

  constructor(
    private readonly push: PushClient,
    private readonly counters: Counters,
    private readonly options: BatchWriterOptions,
  ) {
    this.after = options.after;
  }

  /**
   * Compresses the batch at once and from then on keeps only the payload: the uncompressed body
   * would live on while the push waits for a slot and for the sink, long enough to be promoted to
   * V8's old generation, where only a full GC frees it (peaks of 10-20 MiB of RSS on the bench).
   */
  async write(batch: WriteBatch): Promise<void> {
    this.throwIfFailed();
    // No await here: the body must not be held while enqueue waits. Nothing reads it after this,
    // so its buffer goes back to the decoder's pool for the next batch.
    const payload = compressBlock(batch.body);
    const shape = shapeOf(batch);
    releaseBatchBody(batch);
    return this.enqueue(payload, shape);
  }

  private async enqueue(payload: Uint8Array, shape: BatchShape): Promise<void> {
    await this.waitForSlot(shape);
    await this.options.limiter.take(shape.samples + shape.histograms, this.options.signal);
    this.throwIfFailed();
    this.counters.samplesRead += shape.samples + shape.histograms;
    const task = this.send(payload, shape).catch((error: unknown) => {
      this.failure ??= { error };
    });
    this.inFlight.set(task, shape.seriesKeys);
    void task.finally(() => this.inFlight.delete(task));
  }

  /** Whether a push of this writer failed (what `drain` would throw). */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  /**
   * Waits until the batch may go: a free slot (the earlier window's pushes count too), nothing of
   * this writer in flight when it continues a split series, and nothing of the earlier window in
   * flight that holds one of its series.
   */
  private async waitForSlot(shape: BatchShape): Promise<void> {
    const keys = shape.seriesKeys ? new Set(shape.seriesKeys) : undefined;
    for (;;) {
      if (this.after?.inFlight.size === 0 && !this.after.failed) this.after = undefined;
      const earlier = this.after?.inFlight ?? NONE_IN_FLIGHT;
      let blocking: Promise<void>[] = [];
      if (shape.continuesSeries && this.inFlight.size > 0) blocking = [...this.inFlight.keys()];
      else if (this.inFlight.size + earlier.size >= this.options.concurrency)
        blocking = [...this.inFlight.keys(), ...earlier.keys()];
      for (const [task, taskKeys] of earlier) if (sharesSeries(keys, taskKeys)) blocking.push(task);
      if (blocking.length === 0) return;
      // In-flight tasks never reject: failures are kept in `failure`.
      await Promise.race(blocking);
    }
  }

  /** Waits for every batch in flight; throws the first failure. */
  async drain(): Promise<void> {
    await this.waitFor(0);
    this.throwIfFailed();
  }

  /** Waits for every batch in flight, ignoring failures (after an error elsewhere). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.inFlight.keys()]);
  }

  private async waitFor(maxInFlight: number): Promise<void> {
    while (this.inFlight.size > maxInFlight) await Promise.race(this.inFlight.keys());
  }

  /** Throws this writer's first failure, or the previous window's: the import stops at either. */
  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
    if (this.after?.failure) throw this.after.failure.error;
  }

  private async send(payload: Uint8Array, shape: BatchShape): Promise<void> {
    const samples = shape.samples + shape.histograms;
    let answer: Awaited<ReturnType<PushClient["push"]>>;
    try {
      answer = await this.push.push(payload, {
        samples: shape.samples,
        histograms: shape.histograms,
        importId: this.options.importId,
        signal: this.options.signal,
      });
    } catch (error) {
      // Never acknowledged: not read for the invariant's purposes; the window is read again.
      this.counters.samplesRead -= samples;
      throw error;
    }
    switch (answer.outcome) {
      case PushOutcome.ACCEPTED:
        this.counters.samplesWritten += samples;
        this.counters.bytesWritten += payload.length;
        this.options.metrics.samplesRead(samples);
        this.options.metrics.samplesWritten(samples);
        return;
      case PushOutcome.TOO_LARGE: {
        const halves =
          samples > 1
            ? splitBatch(
                { ...shape, body: uncompressBlock(payload, shape.bodyBytes) },
                Math.ceil(samples / 2),
              )
            : [];
        if (halves.length >= 2) {
          this.counters.samplesRead -= samples;
          for (const half of halves) {
            this.counters.samplesRead += half.samples + half.histograms;
            await this.send(compressBlock(half.body), shapeOf(half));
          }
          return;
        }
        this.reject(RejectReason.TOO_LARGE, samples, answer.sinkStatus, answer.message);
        return;
      }
      default:
        this.reject(answer.reason || RejectReason.OTHER_4XX, samples, answer.sinkStatus, answer.message);
    }
  }

  private reject(reason: RejectReason, samples: number, status: number, message: string): void {
    this.counters.reject(reason, samples);
    this.options.metrics.samplesRead(samples);
    this.options.metrics.samplesRejected(reason, samples);
    if (this.options.onReject !== RejectPolicy.COUNT)
      throw new SinkRejectedError(reason, samples, status, message);
  }
}

/** A batch without its body: what a push in flight needs to know besides the payload. */
type BatchShape = Omit<WriteBatch, "body"> & { bodyBytes: number };

function shapeOf(batch: WriteBatch): BatchShape {
  const { samples, histograms, series, continuesSeries, seriesKeys } = batch;
  return { samples, histograms, series, continuesSeries, seriesKeys, bodyBytes: batch.body.length };
}

const NONE_IN_FLIGHT: ReadonlyMap<Promise<void>, Uint32Array | undefined> = new Map();

/** Whether two batches may hold the same series; unknown keys may hold any. */
function sharesSeries(keys: ReadonlySet<number> | undefined, other: Uint32Array | undefined): boolean {
  if (keys === undefined || other === undefined) return true;
  for (const k of other) if (keys.has(k)) return true;
  return false;
}
