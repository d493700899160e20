import { EventEmitter } from "node:events";
import { PushOutcome } from "@ferry/api";
import { AgentMetrics } from "./agent-metrics";
import { LinkState } from "./link-state";

class FakeLink extends EventEmitter<{ state: [LinkState] }> {
  state = LinkState.Idle;
  to(state: LinkState): void {
    this.state = state;
    this.emit("state", state);
  }
}

/** The value of one series in the exposition text, e.g. `ferry_agent_connected` or `x{a="b"}`. */
function sampleValue(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("AgentMetrics", () => {
  it("shows the link as connected 0/1 and counts reconnects, not the first connect", async () => {
    const metrics = new AgentMetrics("prod", "0.1.0");
    const link = new FakeLink();
    metrics.trackLink(link);
    let text = await metrics.registry.metrics();
    expect(sampleValue(text, "ferry_agent_connected")).toBe(0);
    expect(sampleValue(text, "ferry_agent_reconnects_total")).toBe(0);
    expect(sampleValue(text, 'ferry_agent_info{cluster="prod",version="0.1.0"}')).toBe(1);

    link.to(LinkState.Connecting);
    link.to(LinkState.Ready);
    expect(sampleValue(await metrics.registry.metrics(), "ferry_agent_connected")).toBe(1);
    link.to(LinkState.TransientFailure);
    text = await metrics.registry.metrics();
    expect(sampleValue(text, "ferry_agent_connected")).toBe(0);
    link.to(LinkState.Connecting);
    link.to(LinkState.Ready);
    text = await metrics.registry.metrics();
    expect(sampleValue(text, "ferry_agent_connected")).toBe(1);
    expect(sampleValue(text, "ferry_agent_reconnects_total")).toBe(1);
  });

  it("tracks bytes in flight, push outcomes, latency, size and retries", async () => {
    const metrics = new AgentMetrics("prod", "0.1.0");
    metrics.pushStarted(1000);
    metrics.pushStarted(3000);
    let text = await metrics.registry.metrics();
    expect(sampleValue(text, "ferry_agent_push_bytes_in_flight")).toBe(4000);
    expect(sampleValue(text, "ferry_agent_push_bytes_count")).toBe(2);
    expect(sampleValue(text, "ferry_agent_push_bytes_sum")).toBe(4000);

    metrics.pushRetried();
    metrics.pushEnded(1000, PushOutcome.ACCEPTED, 0.02);
    metrics.pushEnded(3000, "error", undefined);
    text = await metrics.registry.metrics();
    expect(sampleValue(text, "ferry_agent_push_bytes_in_flight")).toBe(0);
    expect(sampleValue(text, 'ferry_agent_pushes_total{outcome="accepted"}')).toBe(1);
    expect(sampleValue(text, 'ferry_agent_pushes_total{outcome="error"}')).toBe(1);
    expect(sampleValue(text, "ferry_agent_push_duration_seconds_count")).toBe(1);
    expect(sampleValue(text, 'ferry_agent_push_duration_seconds_bucket{le="0.025"}')).toBe(1);
    expect(sampleValue(text, 'ferry_agent_push_duration_seconds_bucket{le="0.01"}')).toBe(0);
    expect(sampleValue(text, "ferry_agent_push_retries_total")).toBe(1);
  });

  it("counts live remote-write requests by answer, and samples only when the sink decided", async () => {
    const metrics = new AgentMetrics("prod", "0.1.0");
    metrics.remoteWritten("accepted", 100);
    metrics.remoteWritten("rejected", 7);
    metrics.remoteWritten("unavailable", 0);
    metrics.remoteWritten("too_large", 50);
    const text = await metrics.registry.metrics();
    expect(sampleValue(text, 'ferry_agent_remote_write_requests_total{outcome="accepted"}')).toBe(1);
    expect(sampleValue(text, 'ferry_agent_remote_write_requests_total{outcome="unavailable"}')).toBe(1);
    expect(sampleValue(text, 'ferry_agent_remote_write_samples_total{outcome="accepted"}')).toBe(100);
    expect(sampleValue(text, 'ferry_agent_remote_write_samples_total{outcome="rejected"}')).toBe(7);
  });

  it("keeps a registry per agent, with the default process metrics", async () => {
    const a = new AgentMetrics("a", "0.1.0");
    const b = new AgentMetrics("b", "0.1.0");
    a.pushRetried();
    expect(sampleValue(await a.registry.metrics(), "ferry_agent_push_retries_total")).toBe(1);
    expect(sampleValue(await b.registry.metrics(), "ferry_agent_push_retries_total")).toBe(0);
    expect(await a.registry.metrics()).toMatch(/^process_cpu_seconds_total /m);
  });
});
