import fc from "fast-check";
import { MalformedError, PrompbError, SnappyTooLargeError } from "./errors";
import { loadJsSnappy, loadNativeSnappy } from "./private/snappy-codecs";
import { captureBody } from "./private/testing/fixtures";
import {
  compressBlock,
  snappyBackend,
  snappyUncompressedLength,
  uncompressBlock,
  uncompressWith,
} from "./snappy";

const native = loadNativeSnappy();
const js = loadJsSnappy();

describe("snappy blocks", () => {
  it("uses the native binding here", () => {
    expect(snappyBackend()).toBe("native");
  });

  it("uncompresses a real Prometheus SAMPLES response with either codec", () => {
    const body = captureBody("samples-all.snappy");
    const a = uncompressBlock(body, 1 << 24);
    expect(a.length).toBe(snappyUncompressedLength(body));
    expect(uncompressWith(js, body, 1 << 24).equals(a)).toBe(true);
  });

  it("round-trips any bytes, across codecs", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), (data) => {
        const packed = compressBlock(data);
        expect(snappyUncompressedLength(packed)).toBe(data.length);
        expect(Buffer.from(uncompressBlock(packed, data.length)).equals(Buffer.from(data))).toBe(true);
        expect(Buffer.from(uncompressWith(js, packed, data.length)).equals(Buffer.from(data))).toBe(true);
        expect(
          Buffer.from(uncompressWith(native, js.compress(data), data.length)).equals(Buffer.from(data)),
        ).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it("has a fallback decoder that accepts and refuses exactly what the native one does", () => {
    const sample = captureBody("samples-multi.snappy");
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(sample.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.nat(sample.length),
        (edits, cut) => {
          const m = Uint8Array.from(sample.subarray(0, cut));
          for (const [at, b] of edits) if (at < m.length) m[at] = b;
          const outcome = (codec: typeof js) => {
            try {
              return Buffer.from(uncompressWith(codec, m, 1 << 24)).toString("hex");
            } catch (err) {
              expect(err).toBeInstanceOf(PrompbError);
              return "error";
            }
          };
          expect(outcome(js)).toBe(outcome(native));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("refuses a snappy bomb before allocating", () => {
    // Header says 4 GiB - 1, the body is 6 bytes.
    const bomb = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f, 0x00);
    expect(() => uncompressBlock(bomb, 1 << 20)).toThrow(SnappyTooLargeError);
    const data = compressBlock(new Uint8Array(100_000));
    try {
      uncompressBlock(data, 99_999);
      throw new Error("not refused");
    } catch (err) {
      expect(err).toBeInstanceOf(SnappyTooLargeError);
      expect((err as SnappyTooLargeError).code).toBe("snappy_too_large");
      expect((err as SnappyTooLargeError).size).toBe(100_000);
    }
  });

  it("throws MalformedError on corrupt blocks, with either codec", () => {
    expect(() => uncompressBlock(new Uint8Array(0), 10)).toThrow(MalformedError);
    expect(() => uncompressBlock(Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x80, 0x01), 10)).toThrow(
      MalformedError,
    );
    const good = compressBlock(Buffer.from("hello hello hello hello"));
    for (const codec of [native, js]) {
      expect(() => uncompressWith(codec, good.subarray(0, good.length - 3), 100)).toThrow(MalformedError);
    }
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), (data) => {
        for (const codec of [native, js]) {
          try {
            uncompressWith(codec, data, 4096);
          } catch (err) {
            expect(err).toBeInstanceOf(PrompbError);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
