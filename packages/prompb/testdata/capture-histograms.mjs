#!/usr/bin/env node
// Captures real Prometheus 2.42 remote-read responses holding native histograms, for the prompb
// unit tests.
//
//   node packages/prompb/testdata/capture-histograms.mjs
//
// 1. starts `prometheus --enable-feature=native-histograms --web.enable-remote-write-receiver` on
//    127.0.0.1:19302 with an empty TSDB,
// 2. remote-writes 4 h 10 min of one-minute native histogram samples (integer counter histograms
//    with a counter reset, a new bucket, NaN/±Inf sums and stale markers; a gauge histogram; a
//    float histogram; an irregular wide one; one whose schema changes) plus a series that holds
//    floats, then histograms, then floats again. The range crosses two 2 h boundaries, so
//    Prometheus compacts [T0, T0 + 2 h) into a block: the responses mix block chunks, memory-mapped
//    head chunks and the open head chunk,
// 3. POSTs ReadRequests in SAMPLES and STREAMED_XOR_CHUNKS mode and saves the raw bodies,
// 4. writes histograms-expected.json.gz: every sample written (histogram fields as written,
//    float values as IEEE-754 bits in hex) and, per capture, its queries and HTTP status.
//
// What 2.42 does with them is asserted by the tests (histogram-chunk.spec.ts and others): SAMPLES
// mode returns histogram series without any sample, and STREAMED_XOR_CHUNKS mode returns
// HISTOGRAM (2) and FLOAT_HISTOGRAM (3) chunks. The script is independent of the code under test:
// it has its own tiny protobuf encoder.

import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const require = createRequire(import.meta.url);
const snappy = require("snappy");

const HERE = dirname(fileURLToPath(import.meta.url));
const PORT = 19302;
const BASE = `http://127.0.0.1:${PORT}`;

// 2h-aligned start (2023-11-14T22:00:00Z).
const T0 = 1699999200000;
const STEP = 60_000;
const N = 250;
const HOUR = 3_600_000;
const STALE = 0x7ff0000000000002n;
const NORMAL_NAN = 0x7ff8000000000001n;
const GAUGE = 3; // Histogram.ResetHint.GAUGE

// --- deterministic random numbers (mulberry32) ---
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
const bitsOf = (x) => {
  f64[0] = x;
  return u64[0];
};
const hex = (bits) => bits.toString(16).padStart(16, "0");

// --- the histograms, in prompb terms ---
// An integer histogram: { t, count, zeroCount, sum (bits), schema, zeroThreshold (bits),
// positiveSpans, positiveDeltas, negativeSpans, negativeDeltas, hint }, built from absolute bucket
// counts so count and deltas always agree.
function intHistogram(t, { schema, zeroThreshold, zeroCount, positive, negative, sum, hint = 0 }) {
  const p = layout(positive);
  const n = layout(negative);
  const total = zeroCount + p.total + n.total;
  return {
    t,
    float: false,
    count: total,
    zeroCount,
    sum: typeof sum === "bigint" ? sum : bitsOf(sum),
    schema,
    zeroThreshold: bitsOf(zeroThreshold),
    positiveSpans: p.spans,
    positiveDeltas: p.deltas,
    negativeSpans: n.spans,
    negativeDeltas: n.deltas,
    hint,
  };
}

function floatHistogram(t, { schema, zeroThreshold, zeroCount, positive, negative, sum, hint = 0 }) {
  const p = layout(positive);
  const n = layout(negative);
  return {
    t,
    float: true,
    count: bitsOf(zeroCount + p.total + n.total),
    zeroCount: bitsOf(zeroCount),
    sum: bitsOf(sum),
    schema,
    zeroThreshold: bitsOf(zeroThreshold),
    positiveSpans: p.spans,
    positiveCounts: p.counts.map(bitsOf),
    negativeSpans: n.spans,
    negativeCounts: n.counts.map(bitsOf),
    hint,
  };
}

// A stale marker as Prometheus writes one: only the sum, set to the stale NaN.
const staleHistogram = (t) => intHistogram(t, { schema: 0, zeroThreshold: 0, zeroCount: 0, positive: [], negative: [], sum: STALE });

// `buckets`: [bucket index, absolute count] in ascending index order -> spans and deltas. A gap of
// one or two empty buckets is kept inside a span (as client libraries do), a longer one starts a new span.
function layout(buckets) {
  const spans = [];
  const counts = [];
  let next = 0;
  let total = 0;
  for (const [index, count] of buckets) {
    const gap = index - next;
    if (spans.length > 0 && gap >= 0 && gap <= 2) {
      for (let i = 0; i < gap; i++) counts.push(0);
      spans[spans.length - 1][1] += gap + 1;
    } else {
      spans.push([spans.length === 0 ? index : gap, 1]);
    }
    counts.push(count);
    total += count;
    next = index + 1;
  }
  const deltas = counts.map((c, i) => c - (i === 0 ? 0 : counts[i - 1]));
  return { spans, counts, deltas, total };
}

function buildSeries() {
  const r = rng(20231114);
  const series = [];
  const times = Array.from({ length: N }, (_, i) => T0 + i * STEP);

  // Counter histogram, schema 3: buckets -2..0 and 4..5, a new bucket 12 from i = 100 (Prometheus
  // recodes the chunk), NaN/+Inf/-Inf sums, big jumps (wide varbit buckets), a counter reset at
  // i = 170, a stale marker at i = 200 and the end.
  {
    const abs = new Map([[-2, 0], [-1, 0], [0, 0], [4, 0], [5, 0]]);
    let zero = 0;
    let neg = 0;
    let sum = 0;
    const out = [];
    for (let i = 0; i < N; i++) {
      if (i === 100) abs.set(12, 0);
      if (i === 170) {
        for (const k of abs.keys()) abs.set(k, 0);
        zero = 0;
        neg = 0;
        sum = 0;
      }
      if (i === 200 || i === N - 1) {
        out.push(staleHistogram(times[i]));
        continue;
      }
      for (const k of abs.keys()) abs.set(k, abs.get(k) + Math.floor(r() * (k === 12 ? 3 : 12)));
      if (i === 140) abs.set(5, abs.get(5) + 2 ** 20);
      if (i === 141) abs.set(4, abs.get(4) + 2 ** 40);
      zero += Math.floor(r() * 4);
      neg += Math.floor(r() * 2);
      sum += r() * 50;
      const special = { 30: NORMAL_NAN, 31: bitsOf(Number.POSITIVE_INFINITY), 32: bitsOf(Number.NEGATIVE_INFINITY) }[i];
      out.push(
        intHistogram(times[i], {
          schema: 3,
          zeroThreshold: 2 ** -128,
          zeroCount: zero,
          positive: [...abs.entries()].sort((a, b) => a[0] - b[0]),
          negative: [[1, neg]],
          sum: special ?? sum,
        }),
      );
    }
    series.push({ labels: { __name__: "ferry_hist_latency_seconds", kind: "counter" }, histograms: out });
  }

  // Gauge histogram (hint GAUGE): counts go up and down, zero threshold 0.001 (stored in 9 bytes).
  {
    const out = times.map((t, i) => {
      const a = 5 + ((i * 7) % 11);
      const b = (i * 3) % 5;
      return intHistogram(t, {
        schema: 0,
        zeroThreshold: 0.001,
        zeroCount: i % 4,
        positive: [[0, a], [1, b], [3, 1 + (i % 2)]],
        negative: [[-1, (i * 5) % 3]],
        sum: (i % 9) - 4.5,
        hint: GAUGE,
      });
    });
    series.push({ labels: { __name__: "ferry_hist_queue_depth", kind: "gauge" }, histograms: out });
  }

  // Float counter histogram (as a recording rule summing histograms produces): binary-inexact
  // counts that grow, and drop once at i = 160 (a counter reset: a new chunk). Prometheus 2.42's
  // write handler only takes a histogram as float when count_float or zero_count_float is
  // non-zero, so the zero count never is.
  {
    const acc = [0, 0, 0, 0];
    let zero = 0.05;
    const out = times.map((t, i) => {
      if (i === 160) acc.fill(0);
      acc[0] += 0.1;
      acc[1] += 0.1 * (i % 4);
      acc[2] += r() / 7;
      acc[3] += 1e-3 * i;
      zero += 1 / 3;
      return floatHistogram(t, {
        schema: 1,
        zeroThreshold: 0,
        zeroCount: zero,
        positive: [[0, acc[0]], [1, acc[1]], [4, acc[2]]],
        negative: [[2, acc[3]]],
        sum: acc[0] * 17.5 - 3,
      });
    });
    series.push({ labels: { __name__: "ferry_hist_rate", kind: "float" }, histograms: out });
  }

  // Wide, irregular: schema -4, zero threshold 0, far-apart buckets (big span offsets), huge
  // counts, millisecond jitter and two gaps in the timestamps.
  {
    const out = [];
    let base = 2 ** 33;
    for (let i = 0; i < N; i++) {
      if ((i >= 60 && i < 65) || (i >= 150 && i < 180)) continue;
      base += Math.floor(r() * 2 ** 20);
      const t = times[i] + Math.round((r() * 2 - 1) * 9000);
      out.push(
        intHistogram(t, {
          schema: -4,
          zeroThreshold: 0,
          zeroCount: 0,
          positive: [[-1000, base], [-998, i], [3, 7 * i], [2000, 1]],
          negative: [],
          sum: -1.25 * i,
        }),
      );
    }
    series.push({ labels: { __name__: "ferry_hist_sparse", kind: "wide" }, histograms: out });
  }

  // Schema 8 with a 2^-20 zero threshold, then schema 7 from i = 150 (a new chunk).
  {
    let c = 0;
    const out = times.map((t, i) => {
      c += 1 + (i % 3);
      const schema = i < 150 ? 8 : 7;
      return intHistogram(t, {
        schema,
        zeroThreshold: 2 ** -20,
        zeroCount: c,
        positive: [[100, c], [101, 2 * c]],
        negative: [[-3, c]],
        sum: c * 0.001,
      });
    });
    series.push({ labels: { __name__: "ferry_hist_fine", kind: "fine" }, histograms: out });
  }

  // Floats, then histograms, then floats again (in the last hour, from the head).
  {
    const start = N - 60;
    const floats = (from, to) =>
      times.slice(from, to).map((t, i) => ({ t, value: bitsOf(from + i + 0.5) }));
    series.push({
      labels: { __name__: "ferry_mixed", kind: "mixed" },
      samples: [...floats(start, start + 20), ...floats(start + 40, start + 60)],
      histograms: times.slice(start + 20, start + 40).map((t, i) =>
        intHistogram(t, {
          schema: 0,
          zeroThreshold: 0,
          zeroCount: 0,
          positive: [[0, i]],
          negative: [],
          sum: i / 2,
        }),
      ),
    });
  }
  return series;
}

// --- minimal protobuf encoding ---
function uvarint(n) {
  const out = [];
  let v = BigInt.asUintN(64, BigInt(n));
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}
const zigzag = (n) => {
  const b = BigInt(n);
  return BigInt.asUintN(64, (b << 1n) ^ (b >> 63n));
};
const tag = (field, wt) => uvarint((field << 3) | wt);
const bytesField = (field, bytes) => [...tag(field, 2), ...uvarint(bytes.length), ...bytes];
const stringField = (field, s) => bytesField(field, [...Buffer.from(s, "utf8")]);
const varintField = (field, n) => [...tag(field, 0), ...uvarint(n)];
function fixed64Field(field, bits) {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(bits);
  return [...tag(field, 1), ...b];
}
const packedDoubles = (field, bits) =>
  bits.length === 0
    ? []
    : bytesField(
        field,
        bits.flatMap((b) => {
          const x = Buffer.alloc(8);
          x.writeBigUInt64LE(b);
          return [...x];
        }),
      );
const packedSint = (field, ns) => (ns.length === 0 ? [] : bytesField(field, ns.flatMap((n) => uvarint(zigzag(n)))));
const spans = (field, list) =>
  list.flatMap(([offset, length]) => bytesField(field, [...varintField(1, zigzag(offset)), ...varintField(2, length)]));

function histogramMessage(h) {
  return [
    ...(h.float ? fixed64Field(2, h.count) : varintField(1, h.count)),
    ...fixed64Field(3, h.sum),
    ...varintField(4, zigzag(h.schema)),
    ...fixed64Field(5, h.zeroThreshold),
    ...(h.float ? fixed64Field(7, h.zeroCount) : varintField(6, h.zeroCount)),
    ...spans(8, h.negativeSpans),
    ...(h.float ? packedDoubles(10, h.negativeCounts) : packedSint(9, h.negativeDeltas)),
    ...spans(11, h.positiveSpans),
    ...(h.float ? packedDoubles(13, h.positiveCounts) : packedSint(12, h.positiveDeltas)),
    ...(h.hint ? varintField(14, h.hint) : []),
    ...varintField(15, h.t),
  ];
}

function writeRequest(series) {
  const out = [];
  for (const s of series) {
    const ts = [];
    for (const [k, v] of Object.entries(s.labels)) ts.push(...bytesField(1, [...stringField(1, k), ...stringField(2, v)]));
    for (const { t, value } of s.samples ?? []) ts.push(...bytesField(2, [...fixed64Field(1, value), ...varintField(2, t)]));
    for (const h of s.histograms ?? []) ts.push(...bytesField(4, histogramMessage(h)));
    out.push(...bytesField(1, ts));
  }
  return Uint8Array.from(out);
}

const MATCH = { EQ: 0, NEQ: 1, RE: 2, NRE: 3 };
const optVarint = (field, n) => (n === 0 ? [] : varintField(field, n));
const optString = (field, s) => (s === "" ? [] : stringField(field, s));
function readRequest(queries, accepted) {
  const out = [];
  for (const q of queries) {
    const body = [...optVarint(1, q.startMs), ...optVarint(2, q.endMs)];
    for (const m of q.matchers) {
      body.push(...bytesField(3, [...optVarint(1, MATCH[m.type]), ...optString(2, m.name), ...optString(3, m.value)]));
    }
    out.push(...bytesField(1, body));
  }
  out.push(...bytesField(2, accepted.flatMap((a) => uvarint(a))));
  return Uint8Array.from(out);
}

async function waitFor(what, probe, proc) {
  for (let i = 0; i < 600; i++) {
    if (proc.exitCode !== null) throw new Error(`prometheus exited with ${proc.exitCode}`);
    try {
      if (await probe()) return;
    } catch {
      // not there yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function post(path, body, headers) {
  return fetch(`${BASE}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/x-protobuf", "Content-Encoding": "snappy", ...headers },
    body: snappy.compressSync(body),
  });
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), "ferry-prompb-hcapture-"));
  const data = join(work, "data");
  const config = join(work, "prometheus.yml");
  writeFileSync(config, "global: {}\nscrape_configs: []\n");
  const proc = spawn(
    "prometheus",
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${data}`,
      "--storage.tsdb.retention.time=100y",
      `--web.listen-address=127.0.0.1:${PORT}`,
      "--web.enable-remote-write-receiver",
      "--enable-feature=native-histograms",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  proc.stderr.on("data", (d) => {
    log += d;
  });

  try {
    await waitFor("/-/ready", async () => (await fetch(`${BASE}/-/ready`)).ok, proc);
    const series = buildSeries();
    // Prometheus appends a TimeSeries' floats before its histograms, so the mixed series goes in
    // three requests, in time order.
    const mixed = series.find((s) => s.samples);
    const firstHistogram = mixed.histograms[0].t;
    const requests = [
      series.filter((s) => s !== mixed),
      [{ labels: mixed.labels, samples: mixed.samples.filter((x) => x.t < firstHistogram) }],
      [{ labels: mixed.labels, histograms: mixed.histograms }],
      [{ labels: mixed.labels, samples: mixed.samples.filter((x) => x.t > firstHistogram) }],
    ];
    for (const request of requests) {
      const write = await post("/api/v1/write", writeRequest(request), { "X-Prometheus-Remote-Write-Version": "0.1.0" });
      if (!write.ok) throw new Error(`remote write: ${write.status} ${await write.text()}`);
    }
    // The head now spans more than 3 h, so Prometheus compacts its first 2 h into a block.
    await waitFor("the first block", async () => readdirSync(data).some((f) => /^[0-9A-Z]{26}$/.test(f)), proc);
    // ... and the head truncated to what is not in it, so every query reads each chunk from one place.
    await waitFor(
      "the head truncation",
      async () => {
        const status = await (await fetch(`${BASE}/api/v1/status/tsdb`)).json();
        return status.data.headStats.minTime >= T0 + 2 * HOUR;
      },
      proc,
    );

    const wide = { startMs: T0 - HOUR, endMs: T0 + 5 * HOUR };
    // Cuts through chunks on both ends: 2.42 re-encodes the chunks crossing the edges.
    const clip = { startMs: T0 + 37 * 60_000 + 12_345, endMs: T0 + 3 * HOUR + 11 * 60_000 + 500 };
    const notGauge = { type: "NEQ", name: "kind", value: "gauge" };
    const gauge = { type: "EQ", name: "kind", value: "gauge" };
    const SAMPLES = 0;
    const STREAMED = 1;
    const captures = [
      { file: "histograms-samples.snappy", accepted: [SAMPLES], queries: [{ ...wide, matchers: [{ type: "NEQ", name: "kind", value: "" }] }] },
      { file: "histograms-streamed-all.bin", accepted: [STREAMED], queries: [{ ...wide, matchers: [notGauge] }] },
      { file: "histograms-streamed-clip.bin", accepted: [STREAMED], queries: [{ ...clip, matchers: [notGauge] }] },
      // The block's chunk, whole: not re-encoded, so its gauge header survives.
      { file: "histograms-streamed-gauge.bin", accepted: [STREAMED], queries: [{ startMs: T0, endMs: T0 + 2 * HOUR - 1, matchers: [gauge] }] },
      // 2.42 re-encodes the open head chunk with the counter-histogram appender, which fails on a
      // gauge whose counts go down: the 200 response ends in the middle with the error's text.
      { file: "histograms-streamed-gauge-error.bin", accepted: [STREAMED], queries: [{ startMs: T0 + 2 * HOUR, endMs: T0 + 5 * HOUR, matchers: [gauge] }] },
    ];

    const expected = { prometheus: "2.42.0", t0: T0, series: [], captures: [] };
    for (const s of series) {
      expected.series.push({
        labels: Object.entries(s.labels).sort((a, b) => (a[0] < b[0] ? -1 : 1)),
        samples: (s.samples ?? []).map(({ t, value }) => [t, hex(value)]),
        histograms: (s.histograms ?? []).map((h) => ({
          ...h,
          count: h.float ? hex(h.count) : h.count,
          zeroCount: h.float ? hex(h.zeroCount) : h.zeroCount,
          sum: hex(h.sum),
          zeroThreshold: hex(h.zeroThreshold),
          ...(h.float ? { positiveCounts: h.positiveCounts.map(hex), negativeCounts: h.negativeCounts.map(hex) } : {}),
        })),
      });
    }
    for (const c of captures) {
      const res = await post("/api/v1/read", readRequest(c.queries, c.accepted), { "X-Prometheus-Remote-Read-Version": "0.1.0" });
      const body = new Uint8Array(await res.arrayBuffer());
      writeFileSync(join(HERE, c.file), body);
      expected.captures.push({ file: c.file, status: res.status, contentType: res.headers.get("content-type"), ...c });
    }
    writeFileSync(join(HERE, "histograms-expected.json.gz"), gzipSync(`${JSON.stringify(expected)}\n`, { level: 9 }));
    process.stdout.write(`captured ${captures.length} responses, ${series.length} series\n`);
  } catch (err) {
    process.stderr.write(log.slice(-4000));
    throw err;
  } finally {
    if (proc.exitCode === null) {
      const exited = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGTERM");
      await exited;
    }
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
