import { create } from "@bufbuild/protobuf";
import { PushOutcome, type PushResponse, PushResponseSchema, RejectPolicy, RejectReason } from "@ferry/api";
import { decodeWriteRequest, encodeWriteRequest, uncompressBlock, type WriteBatch } from "@ferry/prompb";
import type { PushClient, PushOptions } from "../../core/push-client";
import { BatchWriter } from "./batch-writer";
import { Counters } from "./import-counters";
import { NO_IMPORT_RUN_METRICS } from "./import-metrics";
import { RateLimiter } from "./rate-limiter";
import { SinkRejectedError } from "./sink-rejected-error";

/** A batch of `series` series named s0, s1, ... of `perSeries` samples each. */
function batch(
  series: number,
  perSeries: number,
  continuesSeries = false,
  first = 0,
  keyed = true,
): WriteBatch {
  const list = Array.from({ length: series }, (_, i) => ({
    labels: [["__name__", `s${first + i}`]] as [string, string][],
    samples: Array.from({ length: perSeries }, (_, k) => ({ timestampMs: 1000 * (k + 1), value: k })),
  }));
  return {
    body: encodeWriteRequest(list),
    samples: series * perSeries,
    histograms: 0,
    series,
    continuesSeries,
    seriesKeys: keyed ? Uint32Array.from(list, (_, i) => first + i) : undefined,
  };
}

/** What the fake gateway answers besides ACCEPTED. */
interface Answer {
  outcome?: PushOutcome;
  reason?: RejectReason;
  sinkStatus?: number;
}

interface Received {
  series: string[];
  samples: number;
  options: PushOptions;
}

/**
 * The gateway's side of pushes: decodes every payload it is given and answers with `answer`
 * (accepted unless it says otherwise). `hold` keeps answers back until released.
 */
class FakeGateway {
  readonly received: Received[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private held: (() => void)[] = [];
  hold = false;

  constructor(private readonly answer: (r: Received) => Answer = () => ({})) {}

  readonly client = {
    push: async (payload: Uint8Array, options: PushOptions): Promise<PushResponse> => {
      const series = decodeWriteRequest(uncompressBlock(payload, 64 << 20));
      const r: Received = {
        series: series.map((s) => s.labels[0]?.[1] ?? ""),
        samples: series.reduce((n, s) => n + s.samples.length, 0),
        options,
      };
      this.received.push(r);
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      if (this.hold) await new Promise<void>((release) => this.held.push(release));
      else await new Promise((resolve) => setImmediate(resolve));
      this.inFlight--;
      return create(PushResponseSchema, { outcome: PushOutcome.ACCEPTED, ...this.answer(r) });
    },
  } as unknown as PushClient;

  releaseAll(): void {
    this.hold = false;
    for (const release of this.held.splice(0)) release();
  }
}

function writer(
  gateway: FakeGateway,
  counters: Counters,
  onReject = RejectPolicy.FAIL,
  after?: BatchWriter,
): BatchWriter {
  return new BatchWriter(gateway.client, counters, {
    after,
    importId: "imp",
    concurrency: 3,
    onReject,
    limiter: new RateLimiter(0),
    signal: new AbortController().signal,
    metrics: NO_IMPORT_RUN_METRICS,
  });
}

describe("BatchWriter", () => {
  it("pushes each batch compressed, at most `concurrency` at once, and counts read = written", async () => {
    const gateway = new FakeGateway();
    const counters = new Counters();
    const w = writer(gateway, counters);
    for (let i = 0; i < 10; i++) await w.write(batch(2, 5, false, 2 * i));
    await w.drain();
    expect(gateway.received.flatMap((r) => r.series)).toEqual(Array.from({ length: 20 }, (_, i) => `s${i}`));
    expect(gateway.maxInFlight).toBeLessThanOrEqual(3);
    expect(gateway.maxInFlight).toBeGreaterThan(1);
    expect(counters.samplesRead).toBe(100);
    expect(counters.samplesWritten).toBe(100);
  });

  it("sends a batch continuing a series only once every earlier push is acknowledged", async () => {
    const gateway = new FakeGateway();
    gateway.hold = true;
    const w = writer(gateway, new Counters());
    await w.write(batch(1, 5));
    await w.write(batch(1, 5, false, 1));
    const continuing = w.write(batch(1, 5, true, 1));
    await new Promise((resolve) => setImmediate(resolve));
    expect(gateway.received).toHaveLength(2);
    gateway.releaseAll();
    await continuing;
    await w.drain();
    expect(gateway.received).toHaveLength(3);
  });

  it("splits a batch the sink finds too large and sends the halves, keeping every sample", async () => {
    // Too large while a push holds more than 8 series.
    const gateway = new FakeGateway((r) =>
      r.series.length > 8 ? { outcome: PushOutcome.TOO_LARGE, sinkStatus: 413 } : {},
    );
    const counters = new Counters();
    const w = writer(gateway, counters);
    await w.write(batch(20, 3));
    await w.drain();
    const accepted = gateway.received.filter((r) => r.series.length <= 8);
    expect(accepted.flatMap((r) => r.series)).toEqual(Array.from({ length: 20 }, (_, i) => `s${i}`));
    expect(accepted.reduce((n, r) => n + r.samples, 0)).toBe(60);
    expect(counters.samplesRead).toBe(60);
    expect(counters.samplesWritten).toBe(60);
    expect(counters.rejected.size).toBe(0);
  });

  it("counts a single sample the sink finds too large as rejected, and fails by default", async () => {
    const gateway = new FakeGateway(() => ({ outcome: PushOutcome.TOO_LARGE, sinkStatus: 413 }));
    const counters = new Counters();
    const w = writer(gateway, counters);
    await w.write(batch(1, 1));
    await expect(w.drain()).rejects.toBeInstanceOf(SinkRejectedError);
    expect(counters.rejected.get(RejectReason.TOO_LARGE)).toBe(1);
    expect(counters.samplesRead).toBe(1);
  });

  it("with the count policy goes on after a rejection and counts it by reason", async () => {
    const gateway = new FakeGateway((r) =>
      r.series[0] === "s1"
        ? { outcome: PushOutcome.REJECTED, reason: RejectReason.OUT_OF_ORDER, sinkStatus: 400 }
        : {},
    );
    const counters = new Counters();
    const w = writer(gateway, counters, RejectPolicy.COUNT);
    for (let i = 0; i < 3; i++) await w.write(batch(1, 4, false, i));
    await w.drain();
    expect(counters.samplesRead).toBe(12);
    expect(counters.samplesWritten).toBe(8);
    expect(counters.rejected.get(RejectReason.OUT_OF_ORDER)).toBe(4);
  });

  describe("after the previous window's writer", () => {
    const tick = () => new Promise((resolve) => setImmediate(resolve));

    it("sends a batch at once when no push of the previous window in flight holds its series", async () => {
      const gateway = new FakeGateway();
      gateway.hold = true;
      const previous = writer(gateway, new Counters());
      await previous.write(batch(2, 3, false, 10));
      const next = writer(gateway, new Counters(), RejectPolicy.FAIL, previous);
      await next.write(batch(2, 3, false, 0));
      await tick();
      expect(gateway.received.map((r) => r.series)).toEqual([
        ["s10", "s11"],
        ["s0", "s1"],
      ]);
      gateway.releaseAll();
      await next.drain();
    });

    it("holds back a batch sharing a series with a push of the previous window until it is answered", async () => {
      const gateway = new FakeGateway();
      gateway.hold = true;
      const previous = writer(gateway, new Counters());
      await previous.write(batch(2, 3, false, 10));
      const next = writer(gateway, new Counters(), RejectPolicy.FAIL, previous);
      const sharing = next.write(batch(2, 3, false, 11));
      await tick();
      expect(gateway.received).toHaveLength(1);
      gateway.releaseAll();
      await sharing;
      await next.drain();
      expect(gateway.received.map((r) => r.series[0])).toEqual(["s10", "s11"]);
    });

    it("holds back a batch whose series are unknown until the previous window is answered", async () => {
      const gateway = new FakeGateway();
      gateway.hold = true;
      const previous = writer(gateway, new Counters());
      await previous.write(batch(1, 3, false, 10));
      const next = writer(gateway, new Counters(), RejectPolicy.FAIL, previous);
      const unknown = next.write(batch(1, 3, false, 0, false));
      await tick();
      expect(gateway.received).toHaveLength(1);
      gateway.releaseAll();
      await unknown;
      await next.drain();
      expect(gateway.received).toHaveLength(2);
    });

    it("counts the previous window's pushes in flight against the concurrency", async () => {
      const gateway = new FakeGateway();
      gateway.hold = true;
      const previous = writer(gateway, new Counters());
      for (let i = 0; i < 3; i++) await previous.write(batch(1, 3, false, 10 + i));
      const next = writer(gateway, new Counters(), RejectPolicy.FAIL, previous);
      const waiting = next.write(batch(1, 3, false, 0));
      await tick();
      expect(gateway.received).toHaveLength(3);
      gateway.releaseAll();
      await waiting;
      await next.drain();
      expect(gateway.received).toHaveLength(4);
    });

    it("stops with the previous window's failure", async () => {
      const gateway = new FakeGateway((r) =>
        r.series[0] === "s10"
          ? { outcome: PushOutcome.REJECTED, reason: RejectReason.OUT_OF_ORDER, sinkStatus: 400 }
          : {},
      );
      const previous = writer(gateway, new Counters());
      await previous.write(batch(1, 3, false, 10));
      await expect(previous.drain()).rejects.toBeInstanceOf(SinkRejectedError);
      const next = writer(gateway, new Counters(), RejectPolicy.FAIL, previous);
      await expect(next.write(batch(1, 3, false, 0))).rejects.toBeInstanceOf(SinkRejectedError);
      expect(gateway.received).toHaveLength(1);
    });
  });
});
