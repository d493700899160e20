import { mkdtemp, readdir, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { ImportState } from "@ferry/api";
import { type PrometheusServer, startPrometheus } from "@ferry/local-prometheus";
import {
  type BucketSpan,
  ChunkedReadDecoder,
  compressBlock,
  decodeWriteRequest,
  encodeReadRequest,
  encodeWriteRequest,
  type Histogram,
  MatcherType,
  ResponseType,
  type WriteSeries,
} from "@ferry/prompb";
import { type FerryStack, startFerryStack } from "../support/ferry-stack";
import { waitForImport } from "../support/wait-for-import";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
// 4 h 10 min of one-minute samples from a 2 h boundary a day ago: the source compacts its first
// 2 h into a block, so the import reads block chunks, memory-mapped head chunks and the open one.
const START = Math.floor(Date.now() / (2 * HOUR)) * 2 * HOUR - 24 * HOUR;
const N = 250;
const END = START + (N - 1) * MINUTE;
const STALE = 0x7ff0000000000002n;
const NAN = 0x7ff8000000000001n;
const INF = 0x7ff0000000000000n;
const NEG_INF = 0xfff0000000000000n;
const CLUSTER = "hist-1";

const bitsOf = (x: number): bigint => new BigUint64Array(new Float64Array([x]).buffer)[0]!;

/** Integer histogram from absolute bucket counts ([index, count], ascending, one span per run). */
function integerHistogram(
  t: number,
  schema: number,
  zeroCount: number,
  buckets: [number, number][],
  sum: bigint,
): Histogram {
  const spans: BucketSpan[] = [];
  const deltas: number[] = [];
  let next = 0;
  let previous = 0;
  for (const [index, count] of buckets) {
    if (spans.length > 0 && index === next) spans[spans.length - 1]!.length++;
    else spans.push({ offset: spans.length === 0 ? index : index - next, length: 1 });
    deltas.push(count - previous);
    previous = count;
    next = index + 1;
  }
  return {
    kind: "integer",
    timestampMs: t,
    count: zeroCount + buckets.reduce((n, [, c]) => n + c, 0),
    zeroCount,
    sumBits: sum,
    schema,
    zeroThresholdBits: bitsOf(2 ** -128),
    positiveSpans: spans,
    positiveDeltas: deltas,
    negativeSpans: [],
    negativeDeltas: [],
    resetHint: 0,
  };
}

const staleMarker = (t: number): Histogram => ({
  ...integerHistogram(t, 0, 0, [], STALE),
  zeroThresholdBits: 0n,
});

/** What the source receives: counter and float histograms with special sums, and floats with special values. */
function history(): WriteSeries[] {
  const t = (i: number) => START + i * MINUTE;
  const latency: Histogram[] = [];
  let a = 0;
  for (let i = 0; i < N - 1; i++) {
    a = i === 180 ? 1 : a + 1 + (i % 7); // a counter reset at i = 180
    const sum = i === 40 ? NAN : i === 41 ? INF : i === 42 ? NEG_INF : bitsOf(a * 0.37);
    const buckets: [number, number][] = [
      [-3, a],
      [-2, 2 * a],
      [5, i % 3 === 0 ? a : a + 1],
    ];
    if (i >= 90) buckets.push([9, i - 89]); // a bucket appears: Prometheus recodes the chunk
    latency.push(integerHistogram(t(i), 3, i % 5 === 0 ? a : a + 2, buckets, sum));
  }
  latency.push(staleMarker(t(N - 1)));
  const wide = Array.from({ length: N }, (_, i) =>
    integerHistogram(
      t(i) - ((i * 7919) % 3000),
      -4,
      0,
      [
        [-700, 2 ** 33 + i * 1000],
        [400, i],
      ],
      bitsOf(-i / 8),
    ),
  );
  const rate: Histogram[] = Array.from({ length: N }, (_, i) => ({
    kind: "float",
    timestampMs: t(i),
    countBits: bitsOf(0.3 * (i + 1) + 0.1 * (i + 1)),
    zeroCountBits: bitsOf(0.1 * (i + 1)),
    sumBits: bitsOf(i / 3),
    schema: 1,
    zeroThresholdBits: 0n,
    positiveSpans: [{ offset: 0, length: 1 }],
    positiveCounts: [bitsOf(0.3 * (i + 1))],
    negativeSpans: [],
    negativeCounts: [],
    resetHint: 0,
  }));
  const specials = [NAN, INF, NEG_INF, 0x8000000000000000n, bitsOf(1.5)];
  const gauge = Array.from({ length: N }, (_, i) => ({
    timestampMs: t(i),
    value: 0,
    valueBits: i === N - 1 ? STALE : specials[i % specials.length]!,
  }));
  return [
    {
      labels: [
        ["__name__", "ferry_gauge_special"],
        ["kind", "float"],
      ],
      samples: gauge,
    },
    {
      labels: [
        ["__name__", "ferry_hist_latency_seconds"],
        ["kind", "counter"],
      ],
      samples: [],
      histograms: latency,
    },
    {
      labels: [
        ["__name__", "ferry_hist_rate"],
        ["kind", "float-histogram"],
      ],
      samples: [],
      histograms: rate,
    },
    {
      labels: [
        ["__name__", "ferry_hist_sparse"],
        ["kind", "wide"],
      ],
      samples: [],
      histograms: wide,
    },
  ];
}

/** A histogram by what it means: exact counts and sum bits, non-empty buckets by index. */
function meaning(h: Histogram): unknown {
  const hex = (b: bigint) => b.toString(16);
  const buckets = (spans: BucketSpan[], values: readonly number[] | readonly bigint[]) => {
    const out: [number, string][] = [];
    let index = 0;
    let k = 0;
    let running = 0;
    for (const s of spans) {
      index += s.offset;
      for (let j = 0; j < s.length; j++, index++, k++) {
        const v = values[k]!;
        if (typeof v === "bigint") {
          if (v !== 0n) out.push([index, hex(v)]);
        } else {
          running += v;
          if (running !== 0) out.push([index, String(running)]);
        }
      }
    }
    return out;
  };
  const float = h.kind === "float";
  return {
    t: h.timestampMs,
    kind: h.kind,
    count: float ? hex(h.countBits) : h.count,
    zeroCount: float ? hex(h.zeroCountBits) : h.zeroCount,
    sum: hex(h.sumBits),
    schema: h.schema,
    zeroThreshold: hex(h.zeroThresholdBits),
    positive: buckets(h.positiveSpans, float ? h.positiveCounts : h.positiveDeltas),
    negative: buckets(h.negativeSpans, float ? h.negativeCounts : h.negativeDeltas),
  };
}

function view(series: readonly WriteSeries[]): Map<string, { samples: string[]; histograms: unknown[] }> {
  const out = new Map<string, { samples: string[]; histograms: unknown[] }>();
  for (const s of series) {
    const key = JSON.stringify(s.labels);
    const v = out.get(key) ?? { samples: [], histograms: [] };
    for (const x of s.samples)
      v.samples.push(`${x.timestampMs}:${(x.valueBits ?? bitsOf(x.value)).toString(16)}`);
    for (const h of s.histograms ?? []) v.histograms.push(meaning(h));
    out.set(key, v);
  }
  return out;
}

/** Everything a Prometheus holds in [START, END], read back with a streamed remote read. */
async function readBack(server: PrometheusServer): Promise<WriteSeries[]> {
  const request = encodeReadRequest(
    [
      {
        startMs: START,
        endMs: END,
        matchers: [{ type: MatcherType.RE, name: "__name__", value: "ferry_.*" }],
      },
    ],
    [ResponseType.STREAMED_XOR_CHUNKS],
  );
  const res = await fetch(server.remoteReadUrl, {
    method: "POST",
    headers: { "Content-Type": "application/x-protobuf", "Content-Encoding": "snappy" },
    body: compressBlock(request),
  });
  expect(res.status).toBe(200);
  const decoder = new ChunkedReadDecoder({ minMs: START, maxMs: END });
  const batches = [...decoder.write(new Uint8Array(await res.arrayBuffer())), ...decoder.end()];
  return batches.flatMap((b) =>
    decodeWriteRequest(b.body).map((s) => ({
      labels: s.labels,
      samples: s.samples.map((x) => ({ timestampMs: x.timestampMs, value: x.value, valueBits: x.valueBits })),
      histograms: s.histograms,
    })),
  );
}

/** The query API's own view of the raw samples (histograms as Prometheus renders them). */
async function rawQuery(server: PrometheusServer): Promise<unknown> {
  const params = new URLSearchParams({ query: '{__name__=~"ferry_.*"}[5h]', time: String((END + 1) / 1000) });
  const res = await fetch(`${server.url}/api/v1/query?${params}`);
  const body = (await res.json()) as { data: { result: { metric: Record<string, string> }[] } };
  return body.data.result.sort((x, y) => (JSON.stringify(x.metric) < JSON.stringify(y.metric) ? -1 : 1));
}

/** A port in 19300-19399 that was free a moment ago. */
async function portInRange(taken: Set<number>): Promise<number> {
  for (let port = 19340 + Math.floor(Math.random() * 30); port < 19400; port++) {
    if (taken.has(port)) continue;
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once("error", () => resolve(false));
      server.listen({ port, host: "127.0.0.1", exclusive: true }, () => server.close(() => resolve(true)));
    });
    if (free) {
      taken.add(port);
      return port;
    }
  }
  throw new Error("no free port in 19340-19399");
}

describe("native histograms end to end (Prometheus 2.42 source and sink)", () => {
  let work: string;
  let source: PrometheusServer<"source">;
  let sink: PrometheusServer<"sink">;
  let stack: FerryStack;
  const written = history();

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "ferry-hist-"));
    const ports = new Set<number>();
    source = await startPrometheus({
      dataDir: join(work, "source"),
      role: "source",
      port: await portInRange(ports),
      extraArgs: ["--enable-feature=native-histograms", "--web.enable-remote-write-receiver"],
    });
    sink = await startPrometheus({
      dataDir: join(work, "sink"),
      role: "sink",
      port: await portInRange(ports),
      extraArgs: ["--enable-feature=native-histograms"],
    });
    const push = await fetch(`${source.url}/api/v1/write`, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-protobuf",
        "Content-Encoding": "snappy",
        "X-Prometheus-Remote-Write-Version": "0.1.0",
      },
      body: compressBlock(encodeWriteRequest(written)),
    });
    expect(`${push.status} ${await push.text()}`).toBe("204 ");
    // The head now spans more than 3 h: Prometheus compacts its first 2 h into a block.
    for (let i = 0; i < 600 && !(await readdir(source.dataDir)).some((f) => /^[0-9A-Z]{26}$/.test(f)); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    stack = await startFerryStack({ remoteWriteUrl: sink.remoteWriteUrl, queryUrl: sink.url });
    // Small windows, so most cut through chunks (2.42 then re-encodes them on its side).
    await stack.startAgent(CLUSTER, { import: { initialWindowMs: 10 * MINUTE, windowTargetBytes: 2048 } });
  }, 180_000);

  afterAll(async () => {
    await stack?.close();
    await Promise.all([source?.stop(), sink?.stop()]);
    await rm(work, { recursive: true, force: true });
  });

  it("the source holds exactly what was written (the reference for the import)", async () => {
    expect((await readdir(source.dataDir)).some((f) => /^[0-9A-Z]{26}$/.test(f))).toBe(true);
    expect(view(await readBack(source))).toEqual(view(written));
  });

  it("imports every histogram and float sample, the sink then holds exactly what was written", async () => {
    const { client } = stack;
    await client.addTarget({ clusterId: CLUSTER, name: "histograms", endpoint: source.remoteReadUrl });
    await client.startImport({
      clusterId: CLUSTER,
      target: "histograms",
      start: timestampFromMs(START),
      end: timestampFromMs(END + 1),
    });
    const done = await waitForImport(client, CLUSTER, "histograms");
    expect(`${ImportState[done.state]} ${done.message}`).toBe("COMPLETED ");
    const total = written.reduce((n, s) => n + s.samples.length + (s.histograms?.length ?? 0), 0);
    expect(Number(done.counters?.samplesRead)).toBe(total);
    expect(Number(done.counters?.samplesWritten)).toBe(total);
    expect(Number(done.counters?.samplesRejected)).toBe(0);
    expect(Number(done.counters?.windowsDone)).toBeGreaterThan(5);

    // Bit for bit: sums and values that are NaN, ±Inf, -0 and the stale marker included.
    expect(view(await readBack(sink))).toEqual(view(written));
    // And as Prometheus itself renders them (stale markers hidden, buckets with bounds).
    expect(await rawQuery(sink)).toEqual(await rawQuery(source));
  });
});
