// Test support: builds STREAMED_XOR_CHUNKS bodies the way Prometheus's remote-read handler does.
import { encodeFrame, FrameReader } from "../../frames";
import { ProtoWriter } from "../proto-writer";
import { WireReader } from "../wire-reader";
import { XorChunkEncoder } from "./xor-chunk-encoder";

export interface TestChunk {
  minTimeMs: number;
  maxTimeMs: number;
  encoding: number;
  data: Uint8Array;
}

export interface TestSeries {
  labels: [string, string][];
  samples: [number, bigint][];
}

/**
 * One `ChunkedReadResponse` holding one `ChunkedSeries`. Prometheus writes the labels before the
 * chunks; `labelsAfterChunks` moves that many of the last labels after them (valid protobuf too).
 */
export function encodeChunkedReadResponse(
  labels: [string, string][],
  chunks: TestChunk[],
  queryIndex: number,
  labelsAfterChunks = 0,
): Uint8Array {
  const w = new ProtoWriter();
  w.byte(0x0a);
  const series = w.fork();
  const writeLabels = (some: [string, string][]) => {
    for (const [name, value] of some) {
      w.byte(0x0a);
      const label = w.fork();
      w.byte(0x0a);
      w.string(name);
      w.byte(0x12);
      w.string(value);
      w.join(label);
    }
  };
  const split = labels.length - labelsAfterChunks;
  writeLabels(labels.slice(0, split));
  for (const c of chunks) {
    w.byte(0x12);
    const chunk = w.fork();
    w.byte(0x08);
    w.int64(c.minTimeMs);
    w.byte(0x10);
    w.int64(c.maxTimeMs);
    w.byte(0x18);
    w.uvarint(c.encoding);
    w.byte(0x22);
    w.uvarint(c.data.length);
    w.raw(c.data, 0, c.data.length);
    w.join(chunk);
  }
  writeLabels(labels.slice(split));
  w.join(series);
  if (queryIndex !== 0) {
    w.byte(0x10);
    w.int64(queryIndex);
  }
  return w.finish();
}

/** XOR chunks of at most `perChunk` samples. */
export function xorChunks(samples: [number, bigint][], perChunk = 120): TestChunk[] {
  const out: TestChunk[] = [];
  for (let i = 0; i < samples.length; i += perChunk) {
    const part = samples.slice(i, i + perChunk);
    const enc = new XorChunkEncoder();
    for (const [t, bits] of part) enc.append(t, bits);
    out.push({
      minTimeMs: part[0]![0],
      maxTimeMs: part[part.length - 1]![0],
      encoding: 1,
      data: enc.bytes(),
    });
  }
  return out;
}

/**
 * A framed body: each series' chunks spread over frames of `chunksPerFrame` chunks, as Prometheus
 * splits a long series over several frames that repeat its labels.
 */
export function streamedBody(
  series: TestSeries[],
  chunksPerFrame = 2,
  perChunk = 120,
  queryIndex = 0,
): Uint8Array {
  const frames: Uint8Array[] = [];
  for (const s of series) {
    const chunks = xorChunks(s.samples, perChunk);
    for (let i = 0; i < chunks.length; i += chunksPerFrame) {
      frames.push(
        encodeFrame(encodeChunkedReadResponse(s.labels, chunks.slice(i, i + chunksPerFrame), queryIndex)),
      );
    }
  }
  return Buffer.concat(frames);
}

export interface ParsedChunk extends TestChunk {
  /** Labels of the series the chunk belongs to, as `name=value` joined by commas. */
  series: string;
  queryIndex: number;
}

/** Every chunk of a streamed body, decoded the slow way (test-side check of the real bytes). */
export function parseStreamedBody(body: Uint8Array): ParsedChunk[] {
  const out: ParsedChunk[] = [];
  const reader = new FrameReader((buf, frameStart, frameEnd) => {
    const frame = buf.subarray(frameStart, frameEnd);
    const r = new WireReader().reset(frame);
    let queryIndex = 0;
    const series: [number, number][] = [];
    while (!r.done) {
      const tag = r.uvarint();
      if (tag === 0x10) queryIndex = r.int64();
      else if (tag === 0x0a) {
        const end = r.lengthDelimited();
        series.push([r.pos, end]);
        r.pos = end;
      } else r.skipField(tag);
    }
    for (const [start, end] of series) {
      const labels: string[] = [];
      const chunks: TestChunk[] = [];
      const s = new WireReader().reset(frame, start, end);
      while (!s.done) {
        const tag = s.uvarint();
        const stop = s.lengthDelimited();
        const f = new WireReader().reset(frame, s.pos, stop);
        if (tag === 0x0a) {
          const kv: string[] = [];
          while (!f.done) {
            f.uvarint();
            const e = f.lengthDelimited();
            kv.push(Buffer.from(frame.subarray(f.pos, e)).toString("utf8"));
            f.pos = e;
          }
          labels.push(kv.join("="));
        } else if (tag === 0x12) {
          const c: TestChunk = { minTimeMs: 0, maxTimeMs: 0, encoding: 0, data: new Uint8Array(0) };
          while (!f.done) {
            const t = f.uvarint();
            if (t === 0x08) c.minTimeMs = f.int64();
            else if (t === 0x10) c.maxTimeMs = f.int64();
            else if (t === 0x18) c.encoding = f.int64();
            else if (t === 0x22) {
              const e = f.lengthDelimited();
              c.data = Uint8Array.from(frame.subarray(f.pos, e));
              f.pos = e;
            } else f.skipField(t);
          }
          chunks.push(c);
        }
        s.pos = stop;
      }
      for (const c of chunks) out.push({ ...c, series: labels.join(","), queryIndex });
    }
  });
  reader.write(body);
  reader.end();
  return out;
}
