import { ImportState, RejectReason } from "@ferry/api";
import { Registry } from "prom-client";
import { ImportMetrics } from "./import-metrics";

function sampleValue(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("ImportMetrics", () => {
  it("counts imports by their latest state, each import once", async () => {
    const registry = new Registry();
    const metrics = new ImportMetrics(registry);
    let text = await registry.metrics();
    for (const state of ["running", "completed", "failed", "canceled"])
      expect(sampleValue(text, `ferry_agent_imports{state="${state}"}`)).toBe(0);

    metrics.importState("a", ImportState.RUNNING);
    metrics.importState("b", ImportState.RUNNING);
    metrics.importState("a", ImportState.CANCELED);
    metrics.importState("a", ImportState.RUNNING); // resumed from its checkpoint
    metrics.importState("b", ImportState.COMPLETED);
    text = await registry.metrics();
    expect(sampleValue(text, 'ferry_agent_imports{state="running"}')).toBe(1);
    expect(sampleValue(text, 'ferry_agent_imports{state="completed"}')).toBe(1);
    expect(sampleValue(text, 'ferry_agent_imports{state="canceled"}')).toBe(0);
  });

  it("counts samples read, written and rejected by reason, read retries and bytes", async () => {
    const registry = new Registry();
    const metrics = new ImportMetrics(registry);
    metrics.samplesRead(1000);
    metrics.samplesWritten(1000);
    metrics.samplesRead(30);
    metrics.samplesRejected(RejectReason.OUT_OF_BOUNDS, 30);
    metrics.readRetried();
    metrics.bytesRead(4096);
    const text = await registry.metrics();
    expect(sampleValue(text, "ferry_agent_samples_read_total")).toBe(1030);
    expect(sampleValue(text, "ferry_agent_samples_written_total")).toBe(1000);
    expect(sampleValue(text, 'ferry_agent_samples_rejected_total{reason="out_of_bounds"}')).toBe(30);
    expect(sampleValue(text, "ferry_agent_read_retries_total")).toBe(1);
    expect(sampleValue(text, "ferry_agent_read_bytes_total")).toBe(4096);
  });
});
