import fc from "fast-check";
import { MalformedError } from "./errors";
import { parseStreamedBody } from "./private/testing/chunked-response";
import { captureBody, fixtures, hexBits } from "./private/testing/fixtures";
import { XorChunkEncoder } from "./private/testing/xor-chunk-encoder";
import { ChunkEncoding, XorChunkIterator } from "./xor-chunk";

function decode(data: Uint8Array): [number, string][] {
  const it = new XorChunkIterator().reset(data);
  const out: [number, string][] = [];
  while (it.next()) out.push([it.t, hexBits(it.valueBits())]);
  return out;
}

function encode(samples: [number, bigint][]): Uint8Array {
  const enc = new XorChunkEncoder();
  for (const [t, bits] of samples) enc.append(t, bits);
  return enc.bytes();
}

const seriesByKey = new Map(
  fixtures().series.map((s) => [s.labels.map(([k, v]) => `${k}=${v}`).join(","), s.samples] as const),
);
const realChunks = parseStreamedBody(captureBody("streamed-all.bin"));
/** Including the chunks Prometheus re-encoded to trim them to a query range. */
const allRealChunks = ["streamed-all.bin", "streamed-clip.bin", "streamed-multi.bin"].flatMap((f) =>
  parseStreamedBody(captureBody(f)),
);

describe("XorChunkIterator", () => {
  it("decodes every chunk of real Prometheus responses exactly", () => {
    for (const c of allRealChunks) {
      const expected = seriesByKey.get(c.series)!.filter(([t]) => t >= c.minTimeMs && t <= c.maxTimeMs);
      expect(decode(c.data)).toEqual(expected);
    }
    expect(realChunks.length).toBeGreaterThan(30);
    let samples = 0;
    for (const c of realChunks) {
      expect(c.encoding).toBe(ChunkEncoding.XOR);
      const expected = seriesByKey.get(c.series)!.filter(([t]) => t >= c.minTimeMs && t <= c.maxTimeMs);
      expect(decode(c.data)).toEqual(expected);
      samples += expected.length;
    }
    expect(samples).toBe([...seriesByKey.values()].reduce((n, s) => n + s.length, 0));
  });

  it("keeps NaN payloads: the staleness marker and friends come out bit for bit", () => {
    const stale = realChunks.filter((c) => c.series.includes("ferry_stale"));
    const pushed = new Set(stale.flatMap((c) => decode(c.data).map(([, v]) => v)));
    // Pushed through remote write: stale marker, signalling NaN, negative NaN, -0.
    for (const v of ["7ff0000000000002", "7ff4000000000abc", "fff8000000000000", "8000000000000000"]) {
      expect(pushed).toContain(v);
    }
    // "NaN" in OpenMetrics, stored by Prometheus as its NormalNaN (not JS's 0x7ff8000000000000).
    const special = realChunks.filter((c) => c.series.includes("ferry_special"));
    expect(new Set(special.flatMap((c) => decode(c.data).map(([, v]) => v)))).toContain("7ff8000000000001");
  });

  it("meets every delta-of-delta bucket in the real chunks", () => {
    const buckets = new Set<string>();
    for (const c of realChunks) {
      const ts = decode(c.data).map(([t]) => t);
      for (let i = 2; i < ts.length; i++) {
        const dod = ts[i]! - ts[i - 1]! - (ts[i - 1]! - ts[i - 2]!);
        const fits = (n: number) => -(2 ** (n - 1) - 1) <= dod && dod <= 2 ** (n - 1);
        buckets.add(dod === 0 ? "0" : fits(14) ? "14" : fits(17) ? "17" : fits(20) ? "20" : "64");
      }
    }
    expect([...buckets].sort()).toEqual(["0", "14", "17", "20", "64"]);
  });

  it("agrees with the test encoder, which rebuilds Prometheus's chunks byte for byte", () => {
    for (const c of allRealChunks) {
      const samples = decode(c.data).map(([t, v]): [number, bigint] => [t, BigInt(`0x${v}`)]);
      expect(Buffer.from(encode(samples)).equals(Buffer.from(c.data))).toBe(true);
    }
  });

  it("round-trips any timestamps and value bits, every delta-of-delta bucket included", () => {
    const bits = fc.oneof(
      fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      fc.constantFrom(0x7ff0000000000002n, 0x7ff8000000000001n, 0xfff8000000000000n, 0x8000000000000000n, 0n),
      fc.double().map((d) => new BigUint64Array(new Float64Array([d]).buffer)[0]!),
    );
    const step = fc.oneof(
      fc.constant(15_000),
      fc.integer({ min: 1, max: 30_000 }),
      fc.integer({ min: 1, max: 2_000_000 }),
      fc.integer({ min: 1, max: 2 ** 40 }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 45), max: 2 ** 45 }),
        fc.array(fc.tuple(step, bits), { minLength: 1, maxLength: 150 }),
        (start, steps) => {
          let t = start;
          const samples = steps.map(([d, v]): [number, bigint] => {
            t += d;
            return [t, v];
          });
          expect(decode(encode(samples))).toEqual(samples.map(([ts, v]) => [ts, hexBits(v)]));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("offers the value as a number and the chunk's sample count", () => {
    const it = new XorChunkIterator().reset(encode([[1, 0x3ff8000000000000n]]));
    expect(it.length).toBe(1);
    expect(it.next()).toBe(true);
    expect(it.value()).toBe(1.5);
    expect(it.next()).toBe(false);
  });

  it("throws MalformedError, never anything else, on random or cut chunks", () => {
    expect(() => new XorChunkIterator().reset(Uint8Array.of(0))).toThrow(MalformedError);
    const real = realChunks[0]!.data;
    expect(() => decode(real.subarray(0, real.length - 3))).toThrow(MalformedError);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 2, maxLength: 400 }), (data) => {
        try {
          decode(data);
        } catch (err) {
          expect(err).toBeInstanceOf(MalformedError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
