import fc from "fast-check";
import { MalformedError } from "../errors";
import { BitReader } from "./bit-reader";
import { BitWriter, type XorState } from "./testing/bit-writer";

const MAX = BigInt(Number.MAX_SAFE_INTEGER);

function reader(w: BitWriter): BitReader {
  const bytes = Uint8Array.from(w.stream);
  return new BitReader().reset(bytes, 0, bytes.length);
}

/** Values on both sides of every varbit width's edges, and anywhere within ±2^53. */
const edges = [3, 6, 9, 12, 18, 25, 54].flatMap((w) => {
  const half = 2n ** BigInt(w - 1);
  return [half - 1n, half, half + 1n, 2n * half - 1n];
});
const edgy = fc.oneof(
  fc.constantFrom(0n, ...edges.filter((v) => v <= MAX)),
  fc.bigInt({ min: -MAX, max: MAX }),
  fc.bigInt({ min: -5000n, max: 5000n }),
);

describe("BitReader", () => {
  it("reads varbit integers exactly as Go's putVarbitInt writes them, every width", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            edgy,
            edgy.map((v) => -v),
          ),
          { minLength: 1, maxLength: 40 },
        ),
        (values) => {
          const w = new BitWriter();
          for (const v of values) w.putVarbitInt(v);
          const r = reader(w);
          expect(values.map(() => BigInt(r.readVarbitInt()))).toEqual(values);
        },
      ),
    );
  });

  it("reads varbit unsigned integers exactly as Go's putVarbitUint writes them", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(edgy.map((v) => (v < 0n ? -v : v))), { minLength: 1, maxLength: 40 }),
        (values) => {
          const w = new BitWriter();
          for (const v of values) w.putVarbitUint(v);
          const r = reader(w);
          expect(values.map(() => BigInt(r.readVarbitUint()))).toEqual(values);
        },
      ),
    );
  });

  it("sign-extends the 56-bit width above 2^55 and reads the 64-bit one as two's complement", () => {
    const w = new BitWriter();
    for (const v of [2n ** 56n - 5n, 2n ** 52n, 2n ** 56n - 2n ** 40n, 2n ** 55n]) {
      w.writeBits(0b11111110n, 8);
      w.writeBits(v, 56);
    }
    w.writeBits(0b11111111n, 8);
    w.writeBits(2n ** 64n - 7n, 64);
    const r = reader(w);
    expect([r.readVarbitInt(), r.readVarbitInt(), r.readVarbitInt()]).toEqual([-5, 2 ** 52, -(2 ** 40)]);
    // Exactly 2^55 is positive in Go, and beyond ±2^53: refused, not rounded.
    expect(() => r.readVarbitInt()).toThrow(MalformedError);
  });

  it("reads the 64-bit width as two's complement", () => {
    const w = new BitWriter();
    w.writeBits(0b11111111n, 8);
    w.writeBits(2n ** 64n - 7n, 64);
    expect(reader(w).readVarbitInt()).toBe(-7);
  });

  it("refuses integers beyond ±2^53 and streams that end early", () => {
    const w = new BitWriter();
    w.putVarbitInt(2n ** 53n);
    w.putVarbitUint(2n ** 60n);
    const r = reader(w);
    expect(() => r.readVarbitInt()).toThrow(MalformedError);
    expect(() => r.readVarbitUint()).toThrow(MalformedError);
    const short = new BitReader().reset(Uint8Array.of(0xff, 0xff), 0, 2);
    expect(() => short.readVarbitInt()).toThrow(MalformedError);
    expect(() => new BitReader().reset(Uint8Array.of(1), 0, 1).readBits(9)).toThrow(MalformedError);
  });

  it("reads XOR-coded floats bit for bit as Go's xorWrite writes them, NaN payloads included", () => {
    const bits = fc.oneof(
      fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      fc.constantFrom(0n, 0x7ff0000000000002n, 0x7ff8000000000001n, 0x8000000000000000n, 1n, 2n ** 63n + 1n),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(2), bits), { minLength: 1, maxLength: 60 }), (writes) => {
        // Three interleaved values, each with its own state, as a float histogram's fields are.
        const w = new BitWriter();
        const states: XorState[] = [0, 1, 2].map(() => ({ bits: 0n, leading: 0xff, trailing: 0 }));
        for (const [slot, v] of writes) w.xorWrite(states[slot]!, v);
        const r = reader(w);
        const values = new Uint32Array(6);
        const zeros = new Uint8Array(6);
        const seen = writes.map(([slot]) => {
          r.readXor(values, zeros, slot);
          return (BigInt(values[2 * slot]!) << 32n) | BigInt(values[2 * slot + 1]!);
        });
        expect(seen).toEqual(writes.map(([, v]) => v));
      }),
    );
  });

  it("counts the bits left", () => {
    const r = new BitReader().reset(Uint8Array.of(1, 2, 3, 4, 5), 1, 4);
    expect(r.remaining).toBe(24);
    r.readBits(5);
    expect(r.remaining).toBe(19);
  });
});
