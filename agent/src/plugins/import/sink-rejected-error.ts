import { RejectReason } from "@ferry/api";

const ADVICE: Partial<Record<RejectReason, string>> = {
  [RejectReason.OUT_OF_BOUNDS]:
    "historical samples are older than the sink's head accepts; give the sink an out-of-order window that covers the import's range (Prometheus: storage.tsdb.out_of_order_time_window in its config file; Cortex/Mimir: out_of_order_time_window in the tenant's limits)",
  [RejectReason.TOO_OLD]:
    "the samples are older than the sink's out-of-order window or retention; widen out_of_order_time_window (and the sink's retention/reject-old-samples limits) to cover the import's range",
  [RejectReason.OUT_OF_ORDER]:
    "the sink refuses samples older than what it already holds for a series; enable an out-of-order window on the sink that covers the import's range",
  [RejectReason.DUPLICATE]:
    "the sink already holds different values at the same timestamps for these series, so another writer produced them",
  [RejectReason.LIMITS]:
    "a limit of the sink (series, labels, ingestion rate) refused the samples; raise it or use --rate-limit",
  [RejectReason.TOO_LARGE]: "a single series is larger than the sink accepts in one request",
};

/** The sink refused samples for good and the import's policy is to fail. */
export class SinkRejectedError extends Error {
  readonly code = "sink_rejected";

  constructor(
    readonly reason: RejectReason,
    readonly samples: number,
    readonly sinkStatus: number,
    sinkMessage: string,
  ) {
    const name = (RejectReason[reason] ?? "OTHER_4XX").toLowerCase();
    const advice = ADVICE[reason] ?? "see the sink's message";
    super(
      `the sink rejected ${samples} samples (${name}, HTTP ${sinkStatus}: ${sinkMessage || "no message"}): ${advice}. Start the import again with --on-reject count to skip such samples and count them.`,
    );
  }
}
