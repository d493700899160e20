import fc from "fast-check";
import { capture } from "./private/testing/fixtures";
import { WireReader } from "./private/wire-reader";
import {
  encodeReadRequest,
  type LabelMatcher,
  MatcherType,
  type ReadQuery,
  ResponseType,
} from "./read-request";

/** A test-side decoder of ReadRequest, field by field. */
function decodeReadRequest(body: Uint8Array): { queries: ReadQuery[]; accepted: number[] } {
  const text = (r: WireReader) => {
    const end = r.lengthDelimited();
    const s = Buffer.from(r.buf.subarray(r.pos, end)).toString("utf8");
    r.pos = end;
    return s;
  };
  const r = new WireReader().reset(body);
  const queries: ReadQuery[] = [];
  const accepted: number[] = [];
  while (!r.done) {
    const tag = r.uvarint();
    const end = r.lengthDelimited();
    const f = new WireReader().reset(body, r.pos, end);
    if (tag === 0x0a) {
      const q = { startMs: 0, endMs: 0, matchers: [] as LabelMatcher[] };
      while (!f.done) {
        const t = f.uvarint();
        if (t === 0x08) q.startMs = f.int64();
        else if (t === 0x10) q.endMs = f.int64();
        else if (t === 0x1a) {
          const stop = f.lengthDelimited();
          const m = new WireReader().reset(body, f.pos, stop);
          const matcher: LabelMatcher = { type: MatcherType.EQ, name: "", value: "" };
          while (!m.done) {
            const mt = m.uvarint();
            if (mt === 0x08) matcher.type = m.uvarint() as MatcherType;
            else if (mt === 0x12) matcher.name = text(m);
            else if (mt === 0x1a) matcher.value = text(m);
          }
          q.matchers.push(matcher);
          f.pos = stop;
        }
      }
      queries.push(q);
    } else if (tag === 0x12) {
      while (!f.done) accepted.push(f.uvarint());
    }
    r.pos = end;
  }
  return { queries, accepted };
}

const TYPES: Record<string, MatcherType> = MatcherType;

describe("encodeReadRequest", () => {
  it.each([
    "samples-all.snappy",
    "samples-multi.snappy",
    "streamed-all.bin",
    "streamed-clip.bin",
    "streamed-multi.bin",
  ])("produces the exact request real Prometheus answered for %s", (file) => {
    const c = capture(file);
    const queries = c.queries.map((q) => ({
      startMs: q.startMs,
      endMs: q.endMs,
      matchers: q.matchers.map((m) => ({ type: TYPES[m.type]!, name: m.name, value: m.value })),
    }));
    const body = encodeReadRequest(queries, c.accepted as ResponseType[]);
    expect(Buffer.from(body).toString("hex")).toBe(c.request);
  });

  it("round-trips any queries (negative and zero timestamps, any text)", () => {
    const matcher = fc.record({
      type: fc.constantFrom(MatcherType.EQ, MatcherType.NEQ, MatcherType.RE, MatcherType.NRE),
      name: fc.string({ unit: "grapheme", maxLength: 10 }),
      value: fc.string({ unit: "grapheme", maxLength: 30 }),
    });
    const query = fc.record({
      startMs: fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
      endMs: fc.oneof(
        fc.constant(0),
        fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
      ),
      matchers: fc.array(matcher, { maxLength: 4 }),
    });
    const accepted = fc.array(fc.constantFrom(ResponseType.SAMPLES, ResponseType.STREAMED_XOR_CHUNKS), {
      maxLength: 2,
    });
    fc.assert(
      fc.property(fc.array(query, { maxLength: 3 }), accepted, (queries, types) => {
        expect(decodeReadRequest(encodeReadRequest(queries, types))).toEqual({ queries, accepted: types });
      }),
    );
  });

  it("rejects timestamps that are not safe integers", () => {
    expect(() => encodeReadRequest([{ startMs: 1.5, endMs: 2, matchers: [] }], [])).toThrow(RangeError);
  });
});
