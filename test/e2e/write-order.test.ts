import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { ImportState } from "@ferry/api";
import { countSamplesPerSeries } from "@ferry/local-prometheus";
import { HistoryStack } from "../support/history-stack";
import { OrderCheckingSink } from "../support/order-checking-sink";
import { waitForImport } from "../support/wait-for-import";

const HOUR = 3600_000;
const END = Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR;
const START = END - 12 * HOUR;

// Few series, small batches and many small windows: the last pushes of a window and the first of
// the next carry the same series, and are in flight together. A sink that takes requests in any
// order (random delays) must still see every series' samples in timestamp order.
describe("write order across batches and windows", () => {
  let env: HistoryStack;
  let checker: OrderCheckingSink;

  beforeAll(async () => {
    env = await HistoryStack.start({
      name: "order",
      series: 6,
      startMs: START,
      endMs: END,
      front: (url) => {
        checker = new OrderCheckingSink(url);
        return checker;
      },
    });
    await env.stack.startAgent("order", {
      import: { batchSamples: 250, windowTargetBytes: 4096, initialWindowMs: 20 * 60_000 },
    });
  }, 120_000);

  afterAll(() => env?.close());

  it("delivers every series in timestamp order, every sample once", async () => {
    const { stack, source, sink, history } = env;
    const { client } = stack;
    await client.addTarget({ clusterId: "order", name: "prometheus", endpoint: source.remoteReadUrl });
    await client.startImport({
      clusterId: "order",
      target: "prometheus",
      start: timestampFromMs(START),
      end: timestampFromMs(END),
    });
    const done = await waitForImport(client, "order", "prometheus", undefined, 120_000);
    expect(ImportState[done.state]).toBe("COMPLETED");
    // Many windows and many requests, or this would prove nothing.
    expect(Number(done.counters?.windowsDone)).toBeGreaterThan(10);
    expect(checker.samples).toBe(history.samples);
    expect(checker.outOfOrder).toBe(0);
    expect(Number(done.counters?.samplesWritten)).toBe(history.samples);

    await sink.flush();
    const expected = await countSamplesPerSeries(source.url, '{job="ferry-history"}', START, END);
    expect(await countSamplesPerSeries(sink.url, '{job="ferry-history"}', START, END)).toEqual(expected);
  });
});
