import fc from "fast-check";
import { FloatHistogramChunkIterator } from "./float-histogram-chunk";
import { type Histogram, ResetHint, readHistogram, writeHistogram } from "./histogram";
import { HistogramChunkIterator } from "./histogram-chunk";
import { writeFloatHistogramField, writeIntegerHistogramField } from "./private/histogram-field";
import { ProtoWriter } from "./private/proto-writer";
import { parseStreamedBody } from "./private/testing/chunked-response";
import { captureBody } from "./private/testing/fixtures";
import {
  decodeHistogramChunk,
  floatChunk,
  integerChunk,
  staleHistogram,
} from "./private/testing/histogram-chunks";
import { WireReader } from "./private/wire-reader";
import { ChunkEncoding } from "./xor-chunk";

function encode(h: Histogram): string {
  const w = new ProtoWriter();
  writeHistogram(w, h);
  return Buffer.from(w.finish()).toString("hex");
}

function decode(hex: string): Histogram {
  const bytes = Buffer.from(hex, "hex");
  return readHistogram(new WireReader().reset(bytes));
}

const example: Histogram = {
  kind: "integer",
  timestampMs: 1000,
  count: 5,
  zeroCount: 1,
  sumBits: 0x3ff8000000000000n, // 1.5
  schema: -2,
  zeroThresholdBits: 0x37f0000000000000n, // 2^-128
  negativeSpans: [{ offset: -1, length: 1 }],
  negativeDeltas: [1],
  positiveSpans: [{ offset: 0, length: 2 }],
  positiveDeltas: [2, -1],
  resetHint: ResetHint.NO,
};

describe("prometheus.Histogram messages", () => {
  it("writes fields in number order, proto3 zero values left out but for the count oneofs", () => {
    expect(encode(example)).toBe(
      [
        "0805", // count_int 5
        "19000000000000f83f", // sum 1.5
        "2003", // schema -2 (zigzag)
        "29000000000000f037", // zero_threshold 2^-128
        "3001", // zero_count_int 1
        "420408011001", // negative span {offset -1, length 1}
        "4a0102", // negative_deltas [1]
        "5a021002", // positive span {offset 0, length 2}
        "62020401", // positive_deltas [2, -1]
        "7002", // reset_hint NO
        "78e807", // timestamp 1000
      ].join(""),
    );
    // A stale marker: the oneofs and the sum.
    expect(encode(staleHistogram("integer", 1000))).toBe("080019020000000000f07f300078e807");
    expect(encode(staleHistogram("float", 0))).toBe("11000000000000000019020000000000f07f390000000000000000");
    // -0 is not zero bits: it stays.
    expect(encode({ ...example, sumBits: 0x8000000000000000n }).slice(4, 22)).toBe("190000000000000080");
  });

  it("round-trips random histograms of both kinds exactly", () => {
    fc.assert(
      fc.property(fc.oneof(integerChunk, floatChunk), (histograms) => {
        for (const h of histograms) expect(decode(encode(h))).toEqual(h);
      }),
      { numRuns: 100 },
    );
  });

  it("reads unpacked repeated fields and tells float from integer by the fields present", () => {
    // positive_deltas 2 and -1 unpacked (tag 0x60), positive_counts 1.0 unpacked (tag 0x69).
    expect(decode("5a02100260046001")).toMatchObject({ kind: "integer", positiveDeltas: [2, -1] });
    expect(decode("5a0210016a08000000000000f03f")).toMatchObject({
      kind: "float",
      positiveCounts: [0x3ff0000000000000n],
    });
    expect(decode("69000000000000f03f")).toMatchObject({
      kind: "float",
      positiveCounts: [0x3ff0000000000000n],
    });
    expect(decode("")).toMatchObject({ kind: "integer", count: 0 });
  });

  it("the fast writer of the chunk decoder writes what the slow one does, for every real sample", () => {
    const chunks = parseStreamedBody(captureBody("histograms-streamed-all.bin")).filter(
      (c) => c.encoding !== ChunkEncoding.XOR,
    );
    const w = new ProtoWriter();
    let n = 0;
    for (const c of chunks) {
      const slow = decodeHistogramChunk(c.encoding, c.data);
      const integer = new HistogramChunkIterator();
      const float = new FloatHistogramChunkIterator();
      const it = c.encoding === ChunkEncoding.HISTOGRAM ? integer.reset(c.data) : float.reset(c.data);
      for (const h of slow) {
        expect(it.next()).toBe(true);
        w.reset();
        if (it === integer) writeIntegerHistogramField(w, integer);
        else writeFloatHistogramField(w, float);
        const slowField = new ProtoWriter();
        slowField.byte(0x22);
        const mark = slowField.fork();
        writeHistogram(slowField, h);
        slowField.join(mark);
        expect(Buffer.from(w.finish()).toString("hex")).toBe(Buffer.from(slowField.finish()).toString("hex"));
        n++;
      }
    }
    expect(n).toBeGreaterThan(900);
  });
});
