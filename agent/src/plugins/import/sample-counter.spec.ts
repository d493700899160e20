import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { CountSamplesSchema, MatchType } from "@ferry/api";
import { DEFAULT_BATCH_LIMITS, type Histogram, type WriteSeries } from "@ferry/prompb";
import { SampleCounter } from "./sample-counter";
import { samplesReadResponse } from "./testing/samples-read-response";

const W = 60_000;
const START = 600_000;
const END = START + 2 * W + W / 2;
const STALE = 0x7ff0000000000002n;

const histogram = (timestampMs: number): Histogram => ({
  kind: "integer",
  timestampMs,
  sumBits: 0n,
  schema: 0,
  zeroThresholdBits: 0n,
  negativeSpans: [],
  positiveSpans: [],
  resetHint: 0,
  count: 1,
  zeroCount: 1,
  negativeDeltas: [],
  positiveDeltas: [],
});

const sample = (timestampMs: number, valueBits?: bigint) => ({ timestampMs, value: 1, valueBits });

/** What the fake source holds; it answers each read with the samples inside the asked range. */
const SOURCE: WriteSeries[] = [
  {
    labels: [
      ["__name__", "up"],
      ["job", "node"],
    ],
    samples: [
      sample(START - 2),
      sample(START - 1),
      sample(START),
      sample(START + W - 1),
      sample(START + W),
      sample(START + W + 5, STALE),
      sample(START + 2 * W + 1000),
      sample(END - 1),
      sample(END),
    ],
    histograms: [histogram(START + 10), { ...histogram(START + 20), sumBits: STALE }],
  },
  {
    labels: [
      ["__name__", "up"],
      ["job", "drop"],
    ],
    samples: [sample(START)],
  },
  {
    labels: [
      ["__name__", "up"],
      ["cluster", "own"],
      ["job", "other"],
    ],
    samples: [sample(START + 2 * W)],
  },
];

interface FakeSource {
  url: string;
  reads: [number, number][];
  close(): Promise<void>;
}

async function startFakeSource(status = 200): Promise<FakeSource> {
  const reads: [number, number][] = [];
  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (p: Buffer) => parts.push(p));
    req.on("end", () => {
      if (status !== 200) {
        res.writeHead(status).end("source broken");
        return;
      }
      res.writeHead(200, { "Content-Type": "application/x-protobuf", "Content-Encoding": "snappy" });
      res.end(samplesReadResponse(SOURCE, Buffer.concat(parts), reads));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/v1/read`,
    reads,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const counter = new SampleCounter({
  limits: DEFAULT_BATCH_LIMITS,
  // Reads of 20 s: several per counted window, so windows and reads do not line up.
  planner: { targetBytes: 1 << 30, initialMs: 20_000, minMs: 20_000, maxMs: 20_000 },
  readTimeoutMs: 10_000,
  maxResponseBytes: 1 << 24,
});

function command(
  endpoint: string,
  init: Omit<MessageInitShape<typeof CountSamplesSchema>, "$typeName"> = {},
) {
  return create(CountSamplesSchema, {
    endpoint,
    start: timestampFromMs(START),
    end: timestampFromMs(END),
    windowMs: BigInt(W),
    options: {
      extraLabels: { cluster: "c1" },
      drop: [{ matchers: [{ type: MatchType.EQUAL, name: "job", value: "drop" }] }],
    },
    ...init,
  });
}

describe("SampleCounter", () => {
  let source: FakeSource;
  beforeAll(async () => {
    source = await startFakeSource();
  });
  afterAll(() => source.close());

  it("counts samples per series and window as written (extra labels, drops), without stale markers, with edges", async () => {
    const counts = await counter.count(command(source.url), AbortSignal.timeout(10_000));
    const view = counts.series.map((s) => ({
      labels: Object.fromEntries(s.labels.map((l) => [l.name, l.value])),
      counts: s.counts.map(Number),
      edges: s.edgeCounts.map(Number),
    }));
    expect(view).toEqual([
      // START−1 is window 0's edge only; START+W−1 is in window 0 and window 1's edge.
      { labels: { __name__: "up", cluster: "c1", job: "node" }, counts: [3, 1, 2], edges: [1, 1, 0] },
      // A series' own label of an extra label's name wins.
      { labels: { __name__: "up", cluster: "own", job: "other" }, counts: [0, 0, 1], edges: [0, 0, 0] },
    ]);
    // The reads cover [START−1, END−1], both ends inclusive, without gaps or overlaps.
    expect(source.reads[0]?.[0]).toBe(START - 1);
    expect(source.reads.at(-1)?.[1]).toBe(END - 1);
    for (let i = 1; i < source.reads.length; i++) {
      expect(source.reads[i]?.[0]).toBe((source.reads[i - 1]?.[1] ?? 0) + 1);
    }
  });

  it("refuses a bad window or range with InvalidArgument naming the field", async () => {
    const signal = AbortSignal.timeout(10_000);
    await expect(counter.count(command(source.url, { windowMs: 0n }), signal)).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: "window_ms: must be positive",
    });
    await expect(
      counter.count(command(source.url, { end: timestampFromMs(START) }), signal),
    ).rejects.toMatchObject({ code: Code.InvalidArgument, rawMessage: "end: must be after start" });
  });

  it("reports a failing source as Unavailable with the source's answer", async () => {
    const broken = await startFakeSource(500);
    try {
      const error = await counter.count(command(broken.url), AbortSignal.timeout(10_000)).catch((e) => e);
      expect(error).toBeInstanceOf(ConnectError);
      expect(error.code).toBe(Code.Unavailable);
      expect(error.rawMessage).toMatch(/HTTP 500: source broken/);
    } finally {
      await broken.close();
    }
  });
});
