import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { ImportState } from "@ferry/api";
import { totalSamples } from "@ferry/local-prometheus";
import { HistoryStack } from "../support/history-stack";
import { waitForImport } from "../support/wait-for-import";

const HOUR = 3600_000;
const END = Math.floor(Date.now() / HOUR) * HOUR - 24 * HOUR;
const START = END - 6 * HOUR;
const SELECTOR = '{job="ferry-history"}';
const BATCH = 2000;

/** Every series of the exposition text, by name with labels, e.g. `ferry_agent_imports{state="completed"}`. */
function parseExposition(text: string): Map<string, number> {
  const series = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    series.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return series;
}

// The agent's /metrics, scraped over HTTP after a real import: its counters match the source.
describe("agent /metrics", () => {
  let env: HistoryStack;
  let metricsUrl: string;

  beforeAll(async () => {
    env = await HistoryStack.start({ name: "agent-metrics", series: 50, startMs: START, endMs: END });
    // Small windows and batches: several pushes and checkpoints.
    const agent = await env.stack.startAgent("edge", {
      metricsListen: "127.0.0.1:0",
      import: { initialWindowMs: 30 * 60_000, windowTargetBytes: 256 * 1024, batchSamples: BATCH },
    });
    if (agent.metricsUrl === undefined) throw new Error("the agent serves no metrics");
    metricsUrl = agent.metricsUrl;
  }, 180_000);

  afterAll(() => env?.close());

  it("counts what the import read and wrote, its state, the link and the pushes", async () => {
    const before = parseExposition(await (await fetch(metricsUrl)).text());
    expect(before.get("ferry_agent_connected")).toBe(1);
    expect(before.get("ferry_agent_samples_read_total")).toBe(0);
    expect(before.get('ferry_agent_imports{state="completed"}')).toBe(0);

    const { stack, source, sink, history } = env;
    const { client } = stack;
    await client.addTarget({ clusterId: "edge", name: "prometheus", endpoint: source.remoteReadUrl });
    await client.startImport({
      clusterId: "edge",
      target: "prometheus",
      start: timestampFromMs(START),
      end: timestampFromMs(END),
    });
    const done = await waitForImport(client, "edge", "prometheus");
    expect(ImportState[done.state]).toBe("COMPLETED");
    // Rate and ETA belong to a running import; the gateway clears them at the end.
    expect(done.etaSeconds).toBeUndefined();
    expect(done.rate).toBe(0);

    const expected = await totalSamples(source.url, SELECTOR, START, END);
    expect(expected).toBe(history.samples);
    await sink.flush();
    expect(await totalSamples(sink.url, SELECTOR, START, END)).toBe(expected);

    const response = await fetch(metricsUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    const m = parseExposition(await response.text());
    expect(m.get("ferry_agent_samples_read_total")).toBe(expected);
    expect(m.get("ferry_agent_samples_written_total")).toBe(expected);
    expect([...m.keys()].filter((k) => k.startsWith("ferry_agent_samples_rejected_total"))).toEqual([]);
    expect(m.get('ferry_agent_imports{state="completed"}')).toBe(1);
    expect(m.get('ferry_agent_imports{state="running"}')).toBe(0);
    expect(m.get("ferry_agent_connected")).toBe(1);
    expect(m.get('ferry_agent_info{cluster="edge",version="0.1.0"}')).toBe(1);
    const pushes = m.get('ferry_agent_pushes_total{outcome="accepted"}') ?? 0;
    // No request holds more than the agent's batch size.
    expect(pushes).toBeGreaterThanOrEqual(Math.ceil(expected / BATCH));
    expect(m.get("ferry_agent_push_duration_seconds_count")).toBe(pushes);
    expect(m.get("ferry_agent_push_bytes_count")).toBe(pushes);
    expect(m.get("ferry_agent_push_bytes_sum")).toBe(Number(done.counters?.bytesWritten));
    expect(m.get("ferry_agent_push_bytes_in_flight")).toBe(0);
    expect(m.get("ferry_agent_read_bytes_total")).toBe(Number(done.counters?.bytesRead));
    expect(m.get("ferry_agent_push_retries_total")).toBe(0);
    expect(m.get("ferry_agent_read_retries_total")).toBe(0);
    expect(m.has("process_cpu_seconds_total")).toBe(true);

    expect((await fetch(metricsUrl.replace(/\/metrics$/, "/"))).status).toBe(404);
  }, 180_000);
});
