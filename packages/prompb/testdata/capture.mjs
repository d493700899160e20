#!/usr/bin/env node
// Captures real Prometheus 2.42 remote-read responses for the prompb unit tests.
//
//   node packages/prompb/testdata/capture.mjs
//
// 1. writes an OpenMetrics file with a few deterministic series (counters, gauges with random
//    floats, a constant, a gauge cycling through NaN/+Inf/-Inf/-0/extremes, and a gauge with
//    millisecond jitter and gaps so every delta-of-delta bucket of the XOR encoding appears),
// 2. backfills it with `promtool tsdb create-blocks-from openmetrics`,
// 3. starts `prometheus` on 127.0.0.1:19091 on those blocks (remote-write receiver on),
// 4. pushes one more series through remote write whose values are NaNs with payloads that
//    OpenMetrics cannot express (the staleness marker 0x7ff0000000000002 among them),
// 5. POSTs snappy-compressed ReadRequests accepting SAMPLES and STREAMED_XOR_CHUNKS,
// 6. saves the raw response bodies and expected.json.gz (every input sample, timestamps + value bits
//    as hex, and for each capture its query ranges and which series they select).
//
// The script is independent from the code under test: it has its own tiny protobuf encoder.

import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const require = createRequire(import.meta.url);
const snappy = require("snappy");

const HERE = dirname(fileURLToPath(import.meta.url));
const PORT = 19091;
const BASE = `http://127.0.0.1:${PORT}`;

// 2h-aligned start (2023-11-14T22:00:00Z), so backfilled blocks are [T0, T0+2h) and [T0+2h, T0+4h).
const T0 = 1699999200;
const STEP = 15;
const N = 720; // 3 h of 15 s samples: six full XOR chunks of 120 samples per regular series
// Go's math.NaN() as Prometheus stores it after parsing "NaN" (value.NormalNaN).
const NORMAL_NAN = 0x7ff8000000000001n;

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
function bitsOf(text) {
  if (text === "NaN") return NORMAL_NAN;
  f64[0] = text === "+Inf" ? Number.POSITIVE_INFINITY : text === "-Inf" ? Number.NEGATIVE_INFINITY : Number(text);
  return u64[0];
}
const hex = (bits) => bits.toString(16).padStart(16, "0");

// --- the series (family, type, labels, samples as [timestamp text in seconds, value text]) ---
function regularTimes() {
  return Array.from({ length: N }, (_, i) => String(T0 + i * STEP));
}

function buildFamilies() {
  const r = rng(20231114);
  const families = [];

  // Counters: integer increments with one reset; and 0.1 increments (binary-inexact sums).
  let a = 1000;
  const counterA = regularTimes().map((t, i) => {
    a = i === 500 ? 3 : a + Math.floor(r() * 20);
    return [t, String(a)];
  });
  let b = 0;
  const counterB = regularTimes().map((t) => {
    b += 0.1 * (1 + Math.floor(r() * 3));
    return [t, String(b)];
  });
  families.push({
    name: "ferry_requests",
    type: "counter",
    series: [
      { metric: "ferry_requests_total", labels: { instance: "a", job: "api" }, samples: counterA },
      { metric: "ferry_requests_total", labels: { instance: "b", job: "api" }, samples: counterB },
    ],
  });

  // Gauges: three-decimal readings, and full-precision random doubles.
  const lab = regularTimes().map((t) => [t, String(Math.round((20 + r() * 5) * 1000) / 1000)]);
  const server = regularTimes().map((t) => [t, String((r() - 0.5) * 1e6 * r())]);
  families.push({
    name: "ferry_temperature_celsius",
    type: "gauge",
    series: [
      { metric: "ferry_temperature_celsius", labels: { room: "lab" }, samples: lab },
      { metric: "ferry_temperature_celsius", labels: { room: "server" }, samples: server },
    ],
  });

  families.push({
    name: "ferry_constant",
    type: "gauge",
    series: [
      {
        metric: "ferry_constant",
        labels: { kind: "const" },
        samples: regularTimes().map((t) => [t, "42"]),
      },
    ],
  });

  const specials = ["NaN", "+Inf", "-Inf", "0", "-0", "1e+308", "5e-324", "-1.5", "9007199254740993", "0.1"];
  families.push({
    name: "ferry_special",
    type: "gauge",
    series: [
      {
        metric: "ferry_special",
        labels: { kind: "special" },
        samples: regularTimes().map((t, i) => [t, specials[(i * 7 + (i >> 4)) % specials.length]]),
      },
    ],
  });

  // Millisecond jitter (14- and 17-bit delta-of-delta buckets) and two gaps: 5 min (20-bit
  // bucket) and 20 min (64-bit bucket).
  const jitter = [];
  for (let i = 0; i < N; i++) {
    if ((i >= 200 && i < 220) || (i >= 400 && i < 480)) continue;
    const spread = i % 50 === 7 ? 7000 : 2000;
    const ms = T0 * 1000 + i * STEP * 1000 + Math.round((r() * 2 - 1) * spread);
    jitter.push([(ms / 1000).toFixed(3), String(Math.round(r() * 100) / 4)]);
  }
  families.push({
    name: "ferry_jitter",
    type: "gauge",
    series: [{ metric: "ferry_jitter", labels: { kind: "jitter" }, samples: jitter }],
  });
  return families;
}

function toOpenMetrics(families) {
  const lines = [];
  for (const f of families) {
    lines.push(`# TYPE ${f.name} ${f.type}`);
    for (const s of f.series) {
      const ls = Object.entries(s.labels)
        .map(([k, v]) => `${k}="${v}"`)
        .join(",");
      for (const [t, v] of s.samples) lines.push(`${s.metric}{${ls}} ${v} ${t}`);
    }
  }
  lines.push("# EOF");
  return `${lines.join("\n")}\n`;
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
const tag = (field, wt) => uvarint((field << 3) | wt);
const bytesField = (field, bytes) => [...tag(field, 2), ...uvarint(bytes.length), ...bytes];
const stringField = (field, s) => bytesField(field, [...Buffer.from(s, "utf8")]);
const varintField = (field, n) => [...tag(field, 0), ...uvarint(n)];
function fixed64Field(field, bits) {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(bits);
  return [...tag(field, 1), ...b];
}

// Canonical proto3 (default values omitted), so the bytes double as a test vector for the encoder.
const optVarint = (field, n) => (n === 0 ? [] : varintField(field, n));
const optString = (field, s) => (s === "" ? [] : stringField(field, s));
const MATCH = { EQ: 0, NEQ: 1, RE: 2, NRE: 3 };
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

function writeRequest(series) {
  const out = [];
  for (const s of series) {
    const ts = [];
    for (const [k, v] of Object.entries(s.labels)) ts.push(...bytesField(1, [...stringField(1, k), ...stringField(2, v)]));
    for (const [ms, bits] of s.samples) ts.push(...bytesField(2, [...fixed64Field(1, bits), ...varintField(2, ms)]));
    out.push(...bytesField(1, ts));
  }
  return Uint8Array.from(out);
}

// --- matching series the way the test queries select them ---
function matches(series, matchers) {
  return matchers.every((m) => {
    const v = series.labels.find(([k]) => k === m.name)?.[1] ?? "";
    const re = new RegExp(`^(?:${m.value})$`);
    switch (m.type) {
      case "EQ":
        return v === m.value;
      case "NEQ":
        return v !== m.value;
      case "RE":
        return re.test(v);
      default:
        return !re.test(v);
    }
  });
}

// Prometheus orders series by their sorted label sets, comparing name then value pairwise.
function compareLabels(a, b) {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    for (const j of [0, 1]) {
      if (a[i][j] !== b[i][j]) return a[i][j] < b[i][j] ? -1 : 1;
    }
  }
  return a.length - b.length;
}

async function waitReady(proc) {
  for (let i = 0; i < 300; i++) {
    if (proc.exitCode !== null) throw new Error(`prometheus exited with ${proc.exitCode}`);
    try {
      const res = await fetch(`${BASE}/-/ready`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("prometheus did not become ready");
}

async function remoteRead(queries, accepted) {
  const request = readRequest(queries, accepted);
  const res = await fetch(`${BASE}/api/v1/read`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-protobuf",
      "Content-Encoding": "snappy",
      "X-Prometheus-Remote-Read-Version": "0.1.0",
    },
    body: snappy.compressSync(request),
  });
  const body = new Uint8Array(await res.arrayBuffer());
  if (!res.ok) throw new Error(`remote read: ${res.status} ${Buffer.from(body).toString()}`);
  return { request: Buffer.from(request).toString("hex"), body, contentType: res.headers.get("content-type") };
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), "ferry-prompb-capture-"));
  const families = buildFamilies();
  const input = join(work, "input.om");
  writeFileSync(input, toOpenMetrics(families));
  const blocks = join(work, "data");
  const created = spawnSync("promtool", ["tsdb", "create-blocks-from", "openmetrics", input, blocks], {
    encoding: "utf8",
  });
  if (created.status !== 0) throw new Error(`promtool failed: ${created.stderr}${created.stdout}`);

  const config = join(work, "prometheus.yml");
  writeFileSync(config, "global: {}\nscrape_configs: []\n");
  const proc = spawn(
    "prometheus",
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${blocks}`,
      "--storage.tsdb.retention.time=100y",
      `--web.listen-address=127.0.0.1:${PORT}`,
      "--web.enable-remote-write-receiver",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  proc.stderr.on("data", (d) => {
    log += d;
  });

  try {
    await waitReady(proc);

    // Expected samples from the input (OpenMetrics timestamps are seconds; Prometheus keeps
    // int64(ts * 1000), which is what Math.trunc mirrors).
    const series = [];
    for (const f of families) {
      for (const s of f.series) {
        series.push({
          labels: [["__name__", s.metric], ...Object.entries(s.labels)].sort((x, y) => (x[0] < y[0] ? -1 : 1)),
          samples: s.samples.map(([t, v]) => [Math.trunc(Number(t) * 1000), bitsOf(v)]),
        });
      }
    }

    // NaNs with payloads only remote write can carry: Prometheus's staleness marker, a signalling
    // NaN, a negative quiet NaN; plus -0 and ordinary values. Pushed after the backfilled range
    // (the head refuses samples older than its last block), so they come from the in-memory head.
    const odd = [0x7ff0000000000002n, 0x7ff4000000000abcn, 0xfff8000000000000n, 0x8000000000000000n, 0x3ff0000000000000n];
    const pushStart = (T0 + 3 * 3600 + 1800) * 1000;
    const pushed = {
      labels: [
        ["__name__", "ferry_stale"],
        ["kind", "stale"],
      ],
      samples: Array.from({ length: 150 }, (_, i) => [pushStart + i * 15000, i % 3 === 2 ? odd[(i / 3) % odd.length | 0] : bitsOf(String(i))]),
    };
    const write = await fetch(`${BASE}/api/v1/write`, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-protobuf",
        "Content-Encoding": "snappy",
        "X-Prometheus-Remote-Write-Version": "0.1.0",
      },
      body: snappy.compressSync(writeRequest([{ labels: Object.fromEntries(pushed.labels), samples: pushed.samples }])),
    });
    if (!write.ok) throw new Error(`remote write: ${write.status} ${await write.text()}`);
    series.push(pushed);
    series.sort((x, y) => compareLabels(x.labels, y.labels));

    const all = { type: "RE", name: "__name__", value: "ferry_.*" };
    const wide = { startMs: (T0 - 3600) * 1000, endMs: (T0 + 5 * 3600) * 1000 };
    // Cuts through the middle of chunks on both ends (chunks hold 30 min of 15 s samples).
    const clip = { startMs: T0 * 1000 + 37 * 60_000 + 12_345, endMs: T0 * 1000 + 112 * 60_000 + 3_500 };
    const SAMPLES = 0;
    const STREAMED = 1;
    const captures = [
      { file: "samples-all.snappy", accepted: [SAMPLES], queries: [{ ...wide, matchers: [all] }] },
      {
        file: "samples-multi.snappy",
        accepted: [SAMPLES],
        queries: [
          { ...clip, matchers: [{ type: "EQ", name: "__name__", value: "ferry_requests_total" }] },
          { ...wide, matchers: [{ type: "RE", name: "kind", value: "special|stale" }] },
        ],
      },
      { file: "streamed-all.bin", accepted: [STREAMED], queries: [{ ...wide, matchers: [all] }] },
      { file: "streamed-clip.bin", accepted: [STREAMED], queries: [{ ...clip, matchers: [all] }] },
      {
        file: "streamed-multi.bin",
        accepted: [STREAMED],
        queries: [
          { ...clip, matchers: [{ type: "NEQ", name: "kind", value: "" }] },
          { ...wide, matchers: [{ type: "NRE", name: "__name__", value: "ferry_(special|stale|jitter)" }, all] },
        ],
      },
    ];

    const expected = { prometheus: "2.42.0", series: [], captures: [] };
    for (const s of series) {
      const t = s.samples.map(([ms], i) => (i === 0 ? ms : ms - s.samples[i - 1][0]));
      expected.series.push({ labels: s.labels, t, v: s.samples.map(([, bits]) => hex(bits)) });
    }
    for (const c of captures) {
      const { request, body, contentType } = await remoteRead(c.queries, c.accepted);
      writeFileSync(join(HERE, c.file), body);
      expected.captures.push({
        file: c.file,
        request,
        contentType,
        accepted: c.accepted,
        queries: c.queries.map((q) => ({
          ...q,
          series: series.flatMap((s, i) => (matches(s, q.matchers) ? [i] : [])),
        })),
      });
    }
    // Gzipped: the hex value bits are most of it and compress about sevenfold.
    writeFileSync(join(HERE, "expected.json.gz"), gzipSync(`${JSON.stringify(expected)}\n`, { level: 9 }));
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
