import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { ImportState } from "@ferry/api";
import { countSamplesPerSeries } from "@ferry/local-prometheus";
import { HistoryStack } from "../support/history-stack";
import { waitForImport } from "../support/wait-for-import";

const HOUR = 3600_000;
const END = Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR;
const START = END - 24 * HOUR;

// The yardstick: a day of 1000 series at 15 s (5.76 M samples) through agent and gateway
// into a Prometheus-compatible remote-write sink, every series exact.
describe("a full day of 1000 series", () => {
  let env: HistoryStack;

  beforeAll(async () => {
    env = await HistoryStack.start({ name: "day", series: 1000, startMs: START, endMs: END });
    await env.stack.startAgent("fleet-001");
  }, 240_000);

  afterAll(() => env?.close());

  it("ends Completed with read = written = 5,760,000 and the sink holding every sample of every series", async () => {
    const { stack, source, sink, history } = env;
    const { client } = stack;
    await client.addTarget({ clusterId: "fleet-001", name: "prometheus", endpoint: source.remoteReadUrl });
    await client.startImport({
      clusterId: "fleet-001",
      target: "prometheus",
      start: timestampFromMs(START),
      end: timestampFromMs(END),
    });
    const done = await waitForImport(client, "fleet-001", "prometheus", undefined, 300_000);
    expect(ImportState[done.state]).toBe("COMPLETED");
    expect(history.samples).toBe(5_760_000);
    expect(Number(done.counters?.samplesRead)).toBe(history.samples);
    expect(Number(done.counters?.samplesWritten)).toBe(history.samples);
    expect(Number(done.counters?.samplesRejected)).toBe(0);

    await sink.flush();
    const expected = await countSamplesPerSeries(source.url, '{job="ferry-history"}', START, END);
    const landed = await countSamplesPerSeries(sink.url, '{job="ferry-history"}', START, END);
    expect(expected.size).toBe(1000);
    expect(landed).toEqual(expected);

    // The same answer through the gateway's Query, as the cluster's tenant.
    const answer = await client.query({
      clusterId: "fleet-001",
      query: `sum(count_over_time({job="ferry-history"}[1d]))`,
      time: timestampFromMs(END - 1),
    });
    expect(answer.series[0]?.samples[0]?.value).toBe(history.samples);
  }, 300_000);
});
