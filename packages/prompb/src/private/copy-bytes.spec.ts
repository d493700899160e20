import { copyBytes } from "./copy-bytes";

describe("copyBytes", () => {
  const src = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7 + 3) & 0xff);

  it.each([
    ["empty", 5, 5],
    ["short", 10, 40],
    ["at the one-by-one limit", 0, 256],
    ["long", 100, 900],
  ])("copies a %s range to the given offset and nothing else", (_name, start, end) => {
    const dst = new Uint8Array(1200).fill(0xee);
    copyBytes(dst, 17, src, start, end);
    expect(Array.from(dst.subarray(17, 17 + end - start))).toEqual(Array.from(src.subarray(start, end)));
    expect(dst.subarray(0, 17).every((b) => b === 0xee)).toBe(true);
    expect(dst.subarray(17 + end - start).every((b) => b === 0xee)).toBe(true);
  });
});
