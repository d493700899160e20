// The two snappy implementations behind `snappy.ts`: the native `snappy` package (Rust, about three
// times faster here) and, for platforms without a prebuilt binary, `snappyjs` to compress with our
// own strict decoder to uncompress (see snappy-decode.ts).
import { snappyDecode } from "./snappy-decode";

export interface SnappyCodec {
  readonly name: "native" | "js";
  compress(input: Uint8Array): Buffer;
  uncompress(input: Uint8Array): Buffer;
}

interface SnappyJsModule {
  compress(input: Uint8Array): Uint8Array;
}

export function loadNativeSnappy(): SnappyCodec {
  const native = require("snappy") as typeof import("snappy");
  return {
    name: "native",
    // copyOutputData: the output is copied into a Buffer V8 allocates (and counts) and the native
    // one freed at once. Without it the output stays in a native allocation V8 does not count
    // (as large as the worst case, ~1.17 × the input), freed only when a GC finalizes the Buffer:
    // the agent's RSS swung by 60 MiB between GCs on the bench.
    compress: (input) => native.compressSync(input, { copyOutputData: true }),
    uncompress: (input) => {
      const out = native.uncompressSync(input, { asBuffer: true, copyOutputData: true });
      return typeof out === "string" ? Buffer.from(out) : out;
    },
  };
}

export function loadJsSnappy(): SnappyCodec {
  const js = require("snappyjs") as SnappyJsModule;
  return {
    name: "js",
    compress: (input) => toBuffer(js.compress(input)),
    uncompress: snappyDecode,
  };
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
