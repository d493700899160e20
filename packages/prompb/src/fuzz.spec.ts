// Hostile input through every decoder entry point of the package: random bytes and mutations of
// real Prometheus responses either decode or throw one of the package's typed errors (never a
// RangeError, TypeError or an endless loop), and what is encoded decodes to the same bits.
import fc from "fast-check";
import { ChunkedReadDecoder } from "./chunked-decoder";
import { PrompbError, SnappyTooLargeError } from "./errors";
import { FloatHistogramChunkIterator } from "./float-histogram-chunk";
import { encodeFrame, FrameReader } from "./frames";
import { HistogramChunkIterator } from "./histogram-chunk";
import { loadJsSnappy, loadNativeSnappy } from "./private/snappy-codecs";
import { captureBody } from "./private/testing/fixtures";
import { XorChunkEncoder } from "./private/testing/xor-chunk-encoder";
import { SeriesRelabeler } from "./relabel";
import { compressBlock, snappyUncompressedLength, uncompressBlock, uncompressWith } from "./snappy";
import { ReadResponseSplicer, spliceReadResponse } from "./splice";
import type { WriteBatch } from "./write-batch";
import { countWriteRequest, decodeWriteRequest, encodeWriteRequest } from "./write-request";
import { XorChunkIterator } from "./xor-chunk";

const RUNS = { numRuns: 400 };
const LIMITS = { maxSamples: 64, maxBytes: 4096 };
const MAX_DECODED = 1 << 24;

const streamed = ["streamed-all.bin", "streamed-multi.bin", "histograms-streamed-all.bin"].map(captureBody);
const samples = ["samples-all.snappy", "samples-multi.snappy", "histograms-samples.snappy"].map((f) =>
  uncompressBlock(captureBody(f), MAX_DECODED),
);
const compressed = ["samples-multi.snappy", "histograms-samples.snappy"].map(captureBody);
const batches: WriteBatch[] = samples.flatMap((s) => spliceReadResponse(s, LIMITS));

/** Runs `decode`; an error must be one of the package's typed errors. */
function typedOrOk(decode: () => unknown): void {
  try {
    decode();
  } catch (err) {
    if (!(err instanceof PrompbError)) throw err;
  }
}

/** Random bytes, or one of `corpus` with a few bytes overwritten and possibly cut short. */
function hostile(corpus: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const mutated = fc
    .tuple(
      fc.nat(corpus.length - 1),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
      fc.option(fc.nat(), { nil: undefined }),
    )
    .map(([which, edits, cut]) => {
      const source = corpus[which]!;
      const m = Uint8Array.from(source.subarray(0, cut === undefined ? source.length : cut % source.length));
      for (const [at, b] of edits) if (m.length > 0) m[at % m.length] = b;
      return m;
    });
  return fc.oneof(fc.uint8Array({ maxLength: 3000 }), mutated);
}

/** Feeds `body` to a fresh decoder in pieces cut at `cuts`. */
function decodeStreamed(body: Uint8Array, cuts: number[]): number {
  const decoder = new ChunkedReadDecoder({
    minMs: -(2 ** 52),
    maxMs: 2 ** 52,
    limits: LIMITS,
    maxFrameBytes: 1 << 16,
  });
  let at = 0;
  let n = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    if (cut > body.length) break;
    n += decoder.write(body.subarray(at, cut)).length;
    at = cut;
  }
  n += decoder.write(body.subarray(at)).length;
  return n + decoder.end().length;
}

describe("hostile input never crashes a decoder", () => {
  it("snappy: either codec, any block, refuses what announces more than the limit", () => {
    const native = loadNativeSnappy();
    const js = loadJsSnappy();
    fc.assert(
      fc.property(hostile(compressed), fc.nat(1 << 16), (block, limit) => {
        typedOrOk(() => snappyUncompressedLength(block));
        for (const codec of [native, js]) {
          typedOrOk(() => {
            const out = uncompressWith(codec, block, limit);
            expect(out.length).toBeLessThanOrEqual(limit);
          });
        }
      }),
      RUNS,
    );
  });

  it("snappy: a bomb (a tiny block announcing 4 GiB) is refused before anything is allocated", () => {
    const bomb = Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00]);
    expect(() => uncompressBlock(bomb, 1 << 20)).toThrow(SnappyTooLargeError);
    expect(() => uncompressWith(loadJsSnappy(), bomb, 1 << 20)).toThrow(SnappyTooLargeError);
  });

  it("frames: random and mutated streams, any piece sizes", () => {
    fc.assert(
      fc.property(hostile(streamed), fc.array(fc.nat(30_000), { maxLength: 6 }), (body, cuts) => {
        typedOrOk(() => {
          const reader = new FrameReader(() => undefined, 1 << 16);
          let at = 0;
          for (const cut of [...cuts].sort((a, b) => a - b)) {
            if (cut > body.length) break;
            reader.write(body.subarray(at, cut));
            at = cut;
          }
          reader.write(body.subarray(at));
          reader.end();
        });
      }),
      RUNS,
    );
  });

  it("chunked decoder: random and mutated streams, any piece sizes", () => {
    fc.assert(
      fc.property(hostile(streamed), fc.array(fc.nat(30_000), { maxLength: 6 }), (body, cuts) => {
        typedOrOk(() => decodeStreamed(body, cuts));
      }),
      RUNS,
    );
  });

  it("chunked decoder: mutated frame contents re-framed so the CRC passes", () => {
    const frames = streamed.flatMap((body) => {
      const out: Uint8Array[] = [];
      new FrameReader((b, s, e) => out.push(Uint8Array.from(b.subarray(s, e)))).write(body);
      return out;
    });
    fc.assert(
      fc.property(hostile(frames), (frame) => {
        typedOrOk(() => decodeStreamed(encodeFrame(frame), []));
      }),
      RUNS,
    );
  });

  it("chunk iterators: XOR, histogram and float histogram chunks of any bytes", () => {
    const xor = new XorChunkIterator();
    const histogram = new HistogramChunkIterator();
    const floatHistogram = new FloatHistogramChunkIterator();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (data) => {
        for (const it of [xor, histogram, floatHistogram]) {
          typedOrOk(() => {
            it.reset(data);
            // A chunk's header bounds its samples; a decoder that ignored it could loop forever.
            let n = 0;
            while (it.next()) expect(++n).toBeLessThanOrEqual(65_535);
          });
        }
      }),
      RUNS,
    );
  });

  it("splice: random and mutated SAMPLES responses", () => {
    fc.assert(
      fc.property(hostile(samples), (body) => {
        typedOrOk(() => spliceReadResponse(body, LIMITS));
        typedOrOk(() => {
          const splicer = new ReadResponseSplicer(LIMITS);
          splicer.splice(body);
          splicer.splice(body);
          splicer.finish();
        });
      }),
      RUNS,
    );
  });

  it("write requests: count, decode and relabel random and mutated bodies", () => {
    const relabeler = new SeriesRelabeler({ extraLabels: [["cluster", "a"]], drop: () => false });
    fc.assert(
      fc.property(hostile(batches.map((b) => b.body)), (body) => {
        typedOrOk(() => countWriteRequest(body));
        typedOrOk(() => decodeWriteRequest(body));
        typedOrOk(() =>
          relabeler.apply({ body, samples: 1, histograms: 0, series: 1, continuesSeries: false }),
        );
      }),
      RUNS,
    );
  });

  it("the whole SAMPLES path: compressed body → snappy → splice", () => {
    fc.assert(
      fc.property(hostile(compressed), (body) => {
        typedOrOk(() => spliceReadResponse(uncompressBlock(body, MAX_DECODED), LIMITS));
      }),
      RUNS,
    );
  });
});

/** Value bits that must survive exactly: NaN payloads, stale markers, ±Inf, ±0, subnormals. */
const SPECIAL_BITS = [
  0x7ff0000000000002n, // Prometheus's stale marker, a signalling NaN
  0x7ff8000000000001n, // Prometheus's normal NaN
  0x7ff8000000000000n,
  0xfff8000000000000n,
  0x7ff0000000000001n,
  0xffffffffffffffffn,
  0x7ff0000000000000n, // +Inf
  0xfff0000000000000n, // -Inf
  0x0000000000000000n,
  0x8000000000000000n, // -0
  0x0000000000000001n, // smallest subnormal
];

const valueBits = fc.oneof(fc.constantFrom(...SPECIAL_BITS), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }));

const hex = (bits: bigint) => bits.toString(16).padStart(16, "0");

describe("round trips keep every bit", () => {
  it("WriteRequest: labels, timestamps and value bits", () => {
    const series = fc.record({
      labels: fc.array(fc.tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 40 })), {
        maxLength: 5,
      }),
      samples: fc.array(
        fc.record({ timestampMs: fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }), bits: valueBits }),
        { maxLength: 20 },
      ),
    });
    fc.assert(
      fc.property(fc.array(series, { maxLength: 5 }), (input) => {
        const body = encodeWriteRequest(
          input.map((s) => ({
            labels: s.labels,
            samples: s.samples.map((x) => ({ timestampMs: x.timestampMs, value: 0, valueBits: x.bits })),
          })),
        );
        const decoded = decodeWriteRequest(body);
        expect(
          decoded.map((s) => ({
            labels: s.labels,
            samples: s.samples.map((x) => [x.timestampMs, hex(x.valueBits)]),
          })),
        ).toEqual(
          input.map((s) => ({
            labels: s.labels,
            samples: s.samples.map((x) => [x.timestampMs, hex(x.bits)]),
          })),
        );
        expect(countWriteRequest(body).samples).toBe(input.reduce((n, s) => n + s.samples.length, 0));
        // And compressed and back, as it crosses the wire.
        expect(Buffer.from(uncompressBlock(compressBlock(body), body.length)).equals(Buffer.from(body))).toBe(
          true,
        );
      }),
      RUNS,
    );
  });

  it("XOR chunks: any timestamps and value bits", () => {
    const it = new XorChunkIterator();
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2 ** 31 }), valueBits), { minLength: 1, maxLength: 150 }),
        (t0, steps) => {
          const encoder = new XorChunkEncoder();
          let t = t0;
          const expected: [number, string][] = [];
          for (const [dt, bits] of steps) {
            t += dt;
            encoder.append(t, bits);
            expected.push([t, hex(bits)]);
          }
          it.reset(encoder.bytes());
          const got: [number, string][] = [];
          while (it.next()) got.push([it.t, hex(it.valueBits())]);
          expect(got).toEqual(expected);
        },
      ),
      RUNS,
    );
  });

  it("frames: any data, any piece sizes", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 6 }),
        fc.array(fc.nat(2000), { maxLength: 5 }),
        (datas, cuts) => {
          const body = Buffer.concat(datas.map(encodeFrame));
          const got: string[] = [];
          const reader = new FrameReader((b, s, e) =>
            got.push(Buffer.from(b.subarray(s, e)).toString("hex")),
          );
          let at = 0;
          for (const cut of [...cuts].sort((a, b) => a - b)) {
            if (cut > body.length) break;
            reader.write(body.subarray(at, cut));
            at = cut;
          }
          reader.write(body.subarray(at));
          reader.end();
          expect(got).toEqual(datas.map((d) => Buffer.from(d).toString("hex")));
        },
      ),
      RUNS,
    );
  });
});
