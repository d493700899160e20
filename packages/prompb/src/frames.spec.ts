import fc from "fast-check";
import { crc32c } from "./crc32c";
import {
  CrcMismatchError,
  FrameTooLargeError,
  MalformedError,
  PrompbError,
  StreamAbortedError,
  TruncatedError,
} from "./errors";
import { encodeFrame, FrameReader } from "./frames";
import { captureBody } from "./private/testing/fixtures";

const body = captureBody("streamed-all.bin");

/** Reads `input` split at `cuts`; returns copies of the frames. */
function readFrames(input: Uint8Array, cuts: number[] = [], maxFrameBytes?: number): Uint8Array[] {
  const frames: Uint8Array[] = [];
  const reader = new FrameReader((b, s, e) => frames.push(Uint8Array.from(b.subarray(s, e))), maxFrameBytes);
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    reader.write(input.subarray(at, Math.max(at, cut)));
    at = Math.max(at, cut);
  }
  reader.write(input.subarray(at));
  reader.end();
  expect(reader.bytesRead).toBe(input.length);
  expect(reader.framesRead).toBe(frames.length);
  return frames;
}

describe("FrameReader", () => {
  const whole = readFrames(body);

  it("reads the frames of a real streamed response, checking each CRC", () => {
    expect(whole.length).toBeGreaterThan(1);
    // Re-framing them reproduces the body byte for byte.
    expect(Buffer.concat(whole.map(encodeFrame)).equals(body)).toBe(true);
  });

  /** Compared as lengths plus concatenation: jest's deep equality on typed arrays is slow. */
  const same = (frames: Uint8Array[]) => {
    expect(frames.map((f) => f.length)).toEqual(whole.map((f) => f.length));
    expect(Buffer.concat(frames).equals(Buffer.concat(whole))).toBe(true);
  };

  it("yields the same frames whatever the piece sizes", () => {
    same(
      readFrames(
        body,
        Array.from({ length: body.length }, (_, i) => i),
      ),
    );
    fc.assert(
      fc.property(fc.array(fc.nat(body.length), { maxLength: 40 }), (cuts) => {
        same(readFrames(body, cuts));
      }),
      { numRuns: 100 },
    );
  });

  it("handles empty and tiny frames spanning pieces", () => {
    const input = Buffer.concat([
      encodeFrame(new Uint8Array(0)),
      encodeFrame(Uint8Array.of(7)),
      encodeFrame(new Uint8Array(0)),
    ]);
    for (let cut = 0; cut <= input.length; cut++) {
      expect(readFrames(input, [cut]).map((f) => [...f])).toEqual([[], [7], []]);
    }
  });

  it("rejects a flipped bit with CrcMismatchError", () => {
    const bad = Uint8Array.from(body);
    bad[100]! ^= 0x10;
    expect(() => readFrames(bad)).toThrow(CrcMismatchError);
    try {
      readFrames(bad);
    } catch (err) {
      expect((err as CrcMismatchError).code).toBe("crc_mismatch");
    }
  });

  it("rejects a frame above maxFrameBytes as soon as its length is read", () => {
    const frame = encodeFrame(new Uint8Array(2000));
    const reader = new FrameReader(() => undefined, 1999);
    expect(() => reader.write(frame.subarray(0, 2))).toThrow(FrameTooLargeError);
    expect(readFrames(frame, [], 2000)).toHaveLength(1);
    expect(() => readFrames(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f))).toThrow(
      FrameTooLargeError,
    );
    expect(() => readFrames(new Uint8Array(12).fill(0x80))).toThrow(MalformedError);
  });

  it("reports a body that ends inside a frame as truncated", () => {
    for (const cut of [1, 3, 5, 200, body.length - 1]) {
      expect(() => readFrames(body.subarray(0, cut))).toThrow(TruncatedError);
    }
    expect(readFrames(new Uint8Array(0))).toEqual([]);
  });

  it("reports an error a server wrote as text after its frames, short or long", () => {
    const frame = encodeFrame(Uint8Array.of(1, 2, 3));
    for (const message of ["query timed out\n", `expanding series: ${"x".repeat(300)}\n`]) {
      const input = Buffer.concat([frame, Buffer.from(message)]);
      for (const cuts of [[], [frame.length + 3]]) {
        const err = (() => {
          try {
            readFrames(input, cuts);
          } catch (e) {
            return e;
          }
        })();
        expect(err).toBeInstanceOf(StreamAbortedError);
        // A long message is cut where the frame it seems to start ends.
        expect(message.startsWith((err as StreamAbortedError).serverMessage)).toBe(true);
        expect((err as StreamAbortedError).serverMessage.length).toBeGreaterThan(10);
      }
    }
  });

  it("checks the CRC as big-endian CRC32-Castagnoli", () => {
    const data = Buffer.from("123456789");
    const frame = encodeFrame(data);
    expect([...frame.subarray(0, 5)]).toEqual([9, 0xe3, 0x06, 0x92, 0x83]);
    expect(crc32c(data)).toBe(0xe3069283);
  });

  it("throws only typed errors on random or mutated input, and never hangs", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 2000 }),
          fc
            .array(fc.tuple(fc.nat(body.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 })
            .map((edits) => {
              const m = Uint8Array.from(body);
              for (const [at, b] of edits) m[at] = b;
              return m;
            }),
        ),
        fc.array(fc.nat(30_000), { maxLength: 8 }),
        (input, cuts) => {
          try {
            readFrames(input, cuts, 4096);
          } catch (err) {
            expect(err).toBeInstanceOf(PrompbError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
