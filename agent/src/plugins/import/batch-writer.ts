import { PushOutcome, RejectReason } from "@ferry/api";
import { compressBlock, type WriteBatch } from "@ferry/prompb";
import type { PushClient } from "../../core/push-client";
import type { Counters } from "./import-counters";
import { splitBatch } from "./split-batch";

/**
 * Pushes write batches with a bounded number in flight (the memory bound) and counts
 * every answer: written, or rejected by reason. A batch that continues a series split
 * across batches waits until everything before it is acknowledged, so the samples of
 * one series reach the sink in timestamp order. 413 splits a batch in two.
 */
export class BatchWriter {
  private readonly inFlight = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;

  constructor(
    private readonly push: PushClient,
    private readonly importId: string,
    private readonly counters: Counters,
    private readonly concurrency: number,
    private readonly signal: AbortSignal,
  ) {}

  async write(batch: WriteBatch): Promise<void> {
    this.throwIfFailed();
    if (batch.continuesSeries) await this.waitFor(0);
    else await this.waitFor(this.concurrency - 1);
    this.throwIfFailed();
    const task = this.send(batch).catch((error: unknown) => {
      this.failure ??= { error };
    });
    this.inFlight.add(task);
    void task.finally(() => this.inFlight.delete(task));
  }

  /** Waits for every batch in flight; throws the first failure. */
  async drain(): Promise<void> {
    await this.waitFor(0);
    this.throwIfFailed();
  }

  /** Waits for every batch in flight, ignoring failures (after an error elsewhere). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  private async waitFor(maxInFlight: number): Promise<void> {
    while (this.inFlight.size > maxInFlight) await Promise.race(this.inFlight);
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }

  private async send(batch: WriteBatch): Promise<void> {
    const payload = compressBlock(batch.body);
    const samples = batch.samples + batch.histograms;
    const answer = await this.push.push(payload, {
      samples: batch.samples,
      histograms: batch.histograms,
      importId: this.importId,
      signal: this.signal,
    });
    switch (answer.outcome) {
      case PushOutcome.ACCEPTED:
        this.counters.samplesWritten += samples;
        this.counters.bytesWritten += payload.length;
        return;
      case PushOutcome.TOO_LARGE: {
        const halves = samples > 1 ? splitBatch(batch, Math.ceil(samples / 2)) : [];
        if (halves.length < 2) {
          this.counters.reject(RejectReason.TOO_LARGE, samples);
          return;
        }
        for (const half of halves) await this.send(half);
        return;
      }
      default:
        this.counters.reject(answer.reason || RejectReason.OTHER_4XX, samples);
    }
  }
}
