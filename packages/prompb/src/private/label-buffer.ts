import { copyBytes } from "./copy-bytes";

/** A reusable buffer holding one series' `Label` fields (tags included), as copied from the wire. */
export class LabelBuffer {
  buf = new Uint8Array(256);
  len = 0;

  clear(): void {
    this.len = 0;
  }

  append(src: Uint8Array, start: number, end: number): void {
    const need = this.len + end - start;
    if (need > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < need) size *= 2;
      const next = new Uint8Array(size);
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
    }
    copyBytes(this.buf, this.len, src, start, end);
    this.len = need;
  }

  equals(other: LabelBuffer): boolean {
    const n = this.len;
    if (n !== other.len) return false;
    const a = this.buf;
    const b = other.buf;
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
    return true;
  }
}
