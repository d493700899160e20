import { RejectReason } from "@ferry/api";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { AgentHub } from "./agent-hub";
import type { SinkResult } from "./sink-client";

// The HTTP/1.1 listener is shared with the agent, which may not import the gateway.
export { MetricsServer } from "@ferry/metrics-http";

/**
 * The gateway's Prometheus metrics, in a registry of its own (several gateways can live in one
 * test process). Plugins add theirs to the same registry.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly pushes: Counter<"outcome">;
  private readonly pushSamples: Counter<"outcome">;
  private readonly rejected: Counter<"reason">;
  private readonly pushSeconds: Histogram;
  private readonly pushBytes: Histogram;

  constructor(hub: AgentHub) {
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    new Gauge({
      name: "ferry_gateway_connected_agents",
      help: "Agents with an open session.",
      registers,
      collect() {
        this.set(hub.sessions().length);
      },
    });
    this.pushes = new Counter({
      name: "ferry_gateway_pushes_total",
      help: "Remote-write payloads forwarded to the sink, by outcome (accepted, rejected, too_large, retry).",
      labelNames: ["outcome"],
      registers,
    });
    this.pushSamples = new Counter({
      name: "ferry_gateway_push_samples_total",
      help: "Samples (and native histograms) in forwarded payloads, by outcome.",
      labelNames: ["outcome"],
      registers,
    });
    this.rejected = new Counter({
      name: "ferry_gateway_rejected_samples_total",
      help: "Samples the sink refused for good, by reason.",
      labelNames: ["reason"],
      registers,
    });
    this.pushSeconds = new Histogram({
      name: "ferry_gateway_push_duration_seconds",
      help: "Time the sink took to answer a forwarded payload.",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.pushBytes = new Histogram({
      name: "ferry_gateway_push_bytes",
      help: "Size of forwarded (snappy-compressed) payloads.",
      buckets: [1024, 16384, 65536, 262144, 1048576, 4194304, 16777216],
      registers,
    });
  }

  observePush(result: SinkResult, samples: number, bytes: number, seconds: number): void {
    this.pushes.inc({ outcome: result.kind });
    this.pushSamples.inc({ outcome: result.kind }, samples);
    this.pushSeconds.observe(seconds);
    this.pushBytes.observe(bytes);
    if (result.kind === "rejected") {
      this.rejected.inc({ reason: (RejectReason[result.reason] ?? "OTHER_4XX").toLowerCase() }, samples);
    } else if (result.kind === "too_large") {
      this.rejected.inc({ reason: "too_large_split" }, 0);
    }
  }
}
