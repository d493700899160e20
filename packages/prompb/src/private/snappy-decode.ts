import { MalformedError } from "../errors";

/**
 * A strict snappy block decoder in plain TypeScript, the fallback when the native binding is
 * missing. snappyjs's own decoder is not used for input: it leaves output it never wrote as zeros
 * (a truncated block "succeeds") and does not bounds-check copies, so a corrupt body would turn
 * into wrong samples instead of an error.
 */
export function snappyDecode(input: Uint8Array): Buffer {
  const n = input.length;
  let ip = 0;
  let size = 0;
  for (let shift = 0; ; shift += 7) {
    if (shift > 28 || ip >= n) throw corrupt("bad length header");
    const b = input[ip++]!;
    size += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) break;
  }
  if (size > 0xffffffff) throw corrupt("length header above 32 bits");
  const out = Buffer.allocUnsafe(size);
  let op = 0;
  while (ip < n) {
    const tag = input[ip++]!;
    const kind = tag & 3;
    if (kind === 0) {
      let len = (tag >>> 2) + 1;
      if (len > 60) {
        const extra = len - 60;
        if (ip + extra > n) throw corrupt("literal length runs past the input");
        len = 1;
        for (let i = 0; i < extra; i++) len += input[ip + i]! * 2 ** (8 * i);
        ip += extra;
      }
      if (ip + len > n || op + len > size) throw corrupt("literal runs past the block");
      out.set(input.subarray(ip, ip + len), op);
      ip += len;
      op += len;
      continue;
    }
    let len: number;
    let offset: number;
    if (kind === 1) {
      if (ip >= n) throw corrupt("copy runs past the input");
      len = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | input[ip++]!;
    } else if (kind === 2) {
      if (ip + 2 > n) throw corrupt("copy runs past the input");
      len = (tag >>> 2) + 1;
      offset = input[ip]! | (input[ip + 1]! << 8);
      ip += 2;
    } else {
      if (ip + 4 > n) throw corrupt("copy runs past the input");
      len = (tag >>> 2) + 1;
      offset = (input[ip]! | (input[ip + 1]! << 8) | (input[ip + 2]! << 16) | (input[ip + 3]! << 24)) >>> 0;
      ip += 4;
    }
    if (offset === 0 || offset > op || op + len > size) throw corrupt("copy outside the output");
    // Byte by byte: source and destination overlap when offset < len (run-length copies).
    for (let i = 0; i < len; i++, op++) out[op] = out[op - offset]!;
  }
  if (op !== size) throw corrupt(`produced ${op} of the ${size} bytes announced`);
  return out;
}

function corrupt(why: string): MalformedError {
  return new MalformedError(`invalid snappy block: ${why}`);
}
