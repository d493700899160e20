import fc from "fast-check";
import { MalformedError } from "../errors";
import { XorChunkIterator } from "../xor-chunk";
import { ProtoWriter } from "./proto-writer";
import { sampleFieldSize, writeSampleField } from "./sample-field";
import { XorChunkEncoder } from "./testing/xor-chunk-encoder";
import { int64Size } from "./varint";
import { XorTranscoder } from "./xor-transcoder";

function encode(samples: [number, bigint][]): Uint8Array {
  const enc = new XorChunkEncoder();
  for (const [t, bits] of samples) enc.append(t, bits);
  return enc.bytes();
}

/** The `Sample` fields of the window's samples, written one by one from the iterator. */
function expectedFields(chunk: Uint8Array, minMs: number, maxMs: number): { bytes: Buffer; count: number } {
  const it = new XorChunkIterator().reset(chunk);
  const w = new ProtoWriter();
  let count = 0;
  while (it.next()) {
    if (it.t < minMs || it.t > maxMs) continue;
    w.ensure(22);
    w.len = writeSampleField(w.buf, w.view, w.len, it.t, it.hi, it.lo);
    count++;
  }
  return { bytes: Buffer.from(w.finish()), count };
}

/** Runs the transcoder as the decoder does, granting at most `grants[i]` samples at the i-th stop. */
function transcodeInRuns(
  chunk: Uint8Array,
  minMs: number,
  maxMs: number,
  grants: number[],
  x = new XorTranscoder().reset(chunk),
) {
  const w = new ProtoWriter();
  let written = 0;
  let stops = 0;
  let room = 0;
  let sizeUpTo = -1;
  let bytes = 0;
  for (;;) {
    const before = w.len;
    const n = x.transcode(w, minMs, maxMs, room, sizeUpTo);
    // Every sample of a run takes the bytes its room was counted for.
    expect(w.len - before).toBe(n * bytes);
    written += n;
    if (!x.pending) break;
    bytes = sampleFieldSize(x.t);
    room = Math.max(1, grants[stops++ % grants.length]!);
    sizeUpTo = x.t < 0 ? -1 : 2 ** (7 * int64Size(x.t)) - 1;
    w.ensure(room * bytes);
  }
  return { bytes: Buffer.from(w.finish()), count: written, stops };
}

describe("XorTranscoder", () => {
  const bits = fc.oneof(
    fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    fc.constantFrom(0x7ff0000000000002n, 0xfff8000000000000n, 0x8000000000000000n, 0n),
  );
  const step = fc.oneof(
    fc.constant(15_000),
    fc.integer({ min: 1, max: 2_000_000 }),
    fc.integer({ min: 1, max: 2 ** 36 }),
  );

  it("writes the window's samples in runs exactly as one by one, whatever room it is given", () => {
    fc.assert(
      fc.property(
        // Starts near 2^28 and 2^35 too, where a timestamp's varint grows a byte within a chunk.
        fc.oneof(
          fc.integer({ min: -(2 ** 40), max: 2 ** 45 }),
          fc.integer({ min: 2 ** 28 - 100_000, max: 2 ** 28 }),
          fc.integer({ min: 2 ** 35 - 100_000, max: 2 ** 35 }),
        ),
        fc.array(fc.tuple(step, bits), { minLength: 1, maxLength: 200 }),
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 5 }),
        fc.tuple(
          fc.double({ min: -0.2, max: 1.2, noNaN: true }),
          fc.double({ min: -0.2, max: 1.2, noNaN: true }),
        ),
        (start, steps, grants, [a, b]) => {
          let t = start;
          const samples = steps.map(([d, v]): [number, bigint] => {
            t += d;
            return [t, v];
          });
          const span = t - start;
          const minMs = Math.round(start + span * Math.min(a, b));
          const maxMs = Math.round(start + span * Math.max(a, b));
          const chunk = encode(samples);
          const got = transcodeInRuns(chunk, minMs, maxMs, grants);
          const want = expectedFields(chunk, minMs, maxMs);
          expect(got.count).toBe(want.count);
          expect(got.bytes.equals(want.bytes)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("stops at a sample it has no room for and writes it first on the next call", () => {
    const t0 = 1_700_000_000_000;
    const chunk = encode([0, 1, 2, 3, 4].map((i): [number, bigint] => [t0 + i * 15_000, BigInt(i)]));
    const x = new XorTranscoder().reset(chunk);
    const w = new ProtoWriter(256);
    const size = sampleFieldSize(t0);
    expect(x.transcode(w, t0 + 15_000, t0 + 45_000, 0, -1)).toBe(0);
    expect([x.pending, x.t]).toEqual([true, t0 + 15_000]);
    expect(x.transcode(w, t0 + 15_000, t0 + 45_000, 2, 2 ** 42 - 1)).toBe(2);
    expect([x.pending, x.t, w.len]).toEqual([true, t0 + 45_000, 2 * size]);
    // The last sample in the window, then the one after it ends the chunk for this window.
    expect(x.transcode(w, t0 + 15_000, t0 + 45_000, 5, 2 ** 42 - 1)).toBe(1);
    expect(x.pending).toBe(false);
    expect(x.transcode(w, t0 + 15_000, t0 + 45_000, 5, 2 ** 42 - 1)).toBe(0);
    expect(Buffer.from(w.finish()).equals(expectedFields(chunk, t0 + 15_000, t0 + 45_000).bytes)).toBe(true);
  });

  it("decodes a chunk in place, whatever bytes follow it, exactly as a copy of it alone", () => {
    // In place the decoder reads past the chunk's end before it checks it, past the end of the
    // view it was given too (into the rest of its buffer); a copy is zero-padded.
    fc.assert(
      fc.property(
        fc.array(fc.tuple(step, bits), { minLength: 1, maxLength: 120 }),
        fc.uint8Array({ maxLength: 40 }),
        fc.uint8Array({ minLength: 32, maxLength: 64 }),
        fc.nat(),
        (steps, before, after, cutSeed) => {
          let t = 1_700_000_000_000;
          const chunk = encode(
            steps.map(([d, v]): [number, bigint] => {
              t += d;
              return [t, v];
            }),
          );
          // Whole, or cut short: a cut chunk must fail the same way in place as alone.
          const end =
            cutSeed % 3 === 0 ? chunk.length - (cutSeed % Math.max(1, chunk.length - 2)) : chunk.length;
          const alone = chunk.slice(0, end);
          const framed = new Uint8Array(before.length + end + after.length);
          framed.set(before, 0);
          framed.set(alone, before.length);
          framed.set(after, before.length + end);
          const run = (x: () => XorTranscoder) => {
            try {
              return transcodeInRuns(alone, 0, 2 ** 42, [7, 1000], x());
            } catch (error) {
              expect(error).toBeInstanceOf(MalformedError);
              return (error as Error).message;
            }
          };
          const inPlace = run(() => new XorTranscoder().reset(framed, before.length, before.length + end));
          // A frame's last chunk: the view ends with the chunk, its buffer goes on.
          const view = framed.subarray(before.length);
          const viewed = run(() => new XorTranscoder().reset(view.subarray(0, end)));
          const copied = run(() => new XorTranscoder().reset(alone));
          expect(inPlace).toEqual(copied);
          expect(viewed).toEqual(copied);
        },
      ),
      { numRuns: 500 },
    );
  });
});
