import fc from "fast-check";
import { MalformedError } from "../errors";
import { int64Size, uvarintSize, writeInt64, writeSint64, writeUvarint } from "./varint";
import { WireReader } from "./wire-reader";

/** Reference encoding with bigints (two's complement for negatives). */
function reference(n: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

const safeUint = fc.oneof(
  fc.nat(),
  fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  fc.constantFrom(0, 127, 128, 2 ** 32, 2 ** 53),
);
const safeInt = fc.oneof(
  safeUint,
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: 0 }),
  fc.constantFrom(-1, -(2 ** 32)),
);

describe("varints", () => {
  it("writes uvarints like the reference, sized by uvarintSize, read back exactly", () => {
    fc.assert(
      fc.property(safeUint, (n) => {
        const buf = new Uint8Array(10);
        const end = writeUvarint(buf, 0, n);
        expect([...buf.subarray(0, end)]).toEqual(reference(n));
        expect(uvarintSize(n)).toBe(end);
        const r = new WireReader().reset(buf, 0, end);
        expect(r.uvarint()).toBe(n);
        expect(r.done).toBe(true);
      }),
    );
  });

  it("writes int64 varints (ten bytes when negative) and reads them back", () => {
    fc.assert(
      fc.property(safeInt, (n) => {
        const buf = new Uint8Array(10);
        const end = writeInt64(buf, 0, n);
        expect([...buf.subarray(0, end)]).toEqual(reference(n));
        expect(int64Size(n)).toBe(end);
        expect(new WireReader().reset(buf, 0, end).int64()).toBe(n);
      }),
    );
  });

  it("writes sint64 zigzag varints like the reference, up to ±2^53", () => {
    fc.assert(
      fc.property(
        fc.oneof(safeInt, fc.constantFrom(2 ** 52, -(2 ** 52), 2 ** 53 - 1, -(2 ** 53) + 1)),
        (n) => {
          const buf = new Uint8Array(10);
          const end = writeSint64(buf, 0, n);
          const zigzag = n >= 0 ? BigInt(n) * 2n : -BigInt(n) * 2n - 1n;
          expect([...buf.subarray(0, end)]).toEqual(reference(zigzag));
        },
      ),
    );
  });

  it("rejects truncated and over-long varints and bad wire types", () => {
    expect(() => new WireReader().reset(Uint8Array.of(0x80, 0x80)).uvarint()).toThrow(MalformedError);
    expect(() => new WireReader().reset(new Uint8Array(11).fill(0xff)).uvarint()).toThrow(MalformedError);
    expect(() => new WireReader().reset(Uint8Array.of(0x0a, 0x05, 1)).skipField(0x0a)).toThrow(
      MalformedError,
    );
    expect(() => new WireReader().reset(Uint8Array.of(1)).skipField(0x0b)).toThrow(MalformedError);
    expect(() => new WireReader().reset(Uint8Array.of(1)).skipField(0x00)).toThrow(MalformedError);
  });

  it("skips every wire type", () => {
    const r = new WireReader().reset(Uint8Array.of(0x96, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 2, 9, 9, 1, 2, 3, 4));
    r.skipField(0x08);
    expect(r.pos).toBe(2);
    r.skipField(0x09);
    expect(r.pos).toBe(10);
    r.skipField(0x0a);
    expect(r.pos).toBe(13);
    r.skipField(0x0d);
    expect(r.done).toBe(true);
  });
});
