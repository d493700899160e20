import { PushOutcome } from "@ferry/api";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { LinkState } from "./link-state";

/** What the metrics need of the gateway link: its state now and its changes. */
export interface LinkStateSource {
  readonly state: LinkState;
  on(event: "state", listener: (state: LinkState) => void): unknown;
}

/** A push's end: the gateway's answer, or "error" when none came (gave up, canceled, refused). */
export type PushResult = PushOutcome | "error";

export type RemoteWriteOutcome = "accepted" | "rejected" | "too_large" | "unavailable";

/**
 * The agent's Prometheus metrics, in a registry of its own (tests run several agents in one
 * process). The core's are here; plugins register theirs in `registry`.
 */
export class AgentMetrics {
  readonly registry = new Registry();
  private readonly reconnects: Counter;
  private readonly pushes: Counter<"outcome">;
  private readonly pushSeconds: Histogram;
  private readonly pushBytes: Histogram;
  private readonly pushRetries: Counter;
  private readonly bytesInFlight: Gauge;
  private readonly remoteWriteRequests: Counter<"outcome">;
  private readonly remoteWriteSamples: Counter<"outcome">;
  private link: LinkStateSource | undefined;

  constructor(clusterId: string, version: string) {
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    const link = () => this.link;
    new Gauge({
      name: "ferry_agent_info",
      help: "Always 1; labels say which cluster this agent serves and its version.",
      labelNames: ["cluster", "version"],
      registers,
    }).set({ cluster: clusterId, version }, 1);
    new Gauge({
      name: "ferry_agent_connected",
      help: "1 while the agent has a session with a gateway, else 0.",
      registers,
      collect() {
        this.set(link()?.state === LinkState.Ready ? 1 : 0);
      },
    });
    this.reconnects = new Counter({
      name: "ferry_agent_reconnects_total",
      help: "Sessions with a gateway established again after the first one.",
      registers,
    });
    this.pushes = new Counter({
      name: "ferry_agent_pushes_total",
      help: "Remote-write payloads pushed through the gateway (imports and live), by the gateway's answer.",
      labelNames: ["outcome"],
      registers,
    });
    this.pushSeconds = new Histogram({
      name: "ferry_agent_push_duration_seconds",
      help: "Time from sending a payload to the gateway until its answer (the attempt that got one).",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.pushBytes = new Histogram({
      name: "ferry_agent_push_bytes",
      help: "Size of pushed (snappy-compressed) remote-write payloads.",
      buckets: [1024, 16384, 65536, 262144, 1048576, 4194304, 16777216],
      registers,
    });
    this.pushRetries = new Counter({
      name: "ferry_agent_push_retries_total",
      help: "Pushes sent again after a network error, a lost session, or a 5xx or 429 from the sink.",
      registers,
    });
    this.bytesInFlight = new Gauge({
      name: "ferry_agent_push_bytes_in_flight",
      help: "Remote-write payload bytes pushed (or waiting to be) and not yet answered.",
      registers,
    });
    this.remoteWriteRequests = new Counter({
      name: "ferry_agent_remote_write_requests_total",
      help: "Live remote-write requests from the cluster's Prometheus, by answer (accepted, rejected, too_large, unavailable).",
      labelNames: ["outcome"],
      registers,
    });
    this.remoteWriteSamples = new Counter({
      name: "ferry_agent_remote_write_samples_total",
      help: "Samples (and histograms) of live remote write the sink accepted or rejected for good.",
      labelNames: ["outcome"],
      registers,
    });
    for (const outcome of ["accepted", "rejected"]) this.remoteWriteSamples.inc({ outcome }, 0);
  }

  /** Follows the link's state: the connected gauge, and reconnects. */
  trackLink(link: LinkStateSource): void {
    this.link = link;
    let everReady = link.state === LinkState.Ready;
    link.on("state", (state) => {
      if (state !== LinkState.Ready) return;
      if (everReady) this.reconnects.inc();
      everReady = true;
    });
  }

  pushStarted(bytes: number): void {
    this.bytesInFlight.inc(bytes);
    this.pushBytes.observe(bytes);
  }

  /** `seconds` is the round trip of the attempt answered; undefined when none was. */
  pushEnded(bytes: number, result: PushResult, seconds: number | undefined): void {
    this.bytesInFlight.dec(bytes);
    this.pushes.inc({ outcome: result === "error" ? "error" : outcomeName(result) });
    if (seconds !== undefined) this.pushSeconds.observe(seconds);
  }

  pushRetried(): void {
    this.pushRetries.inc();
  }

  /** A live remote-write request answered; its samples count only when the sink decided. */
  remoteWritten(outcome: RemoteWriteOutcome, samples: number): void {
    this.remoteWriteRequests.inc({ outcome });
    if (outcome === "accepted" || outcome === "rejected") this.remoteWriteSamples.inc({ outcome }, samples);
  }
}

function outcomeName(outcome: PushOutcome): string {
  return (PushOutcome[outcome] ?? "UNSPECIFIED").toLowerCase();
}
