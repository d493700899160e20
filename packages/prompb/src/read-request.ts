import { ProtoWriter } from "./private/proto-writer";

/** `prometheus.LabelMatcher.Type`. */
export const MatcherType = { EQ: 0, NEQ: 1, RE: 2, NRE: 3 } as const;
export type MatcherType = (typeof MatcherType)[keyof typeof MatcherType];

/** `prometheus.ReadRequest.ResponseType`. */
export const ResponseType = { SAMPLES: 0, STREAMED_XOR_CHUNKS: 1 } as const;
export type ResponseType = (typeof ResponseType)[keyof typeof ResponseType];

export interface LabelMatcher {
  type: MatcherType;
  name: string;
  value: string;
}

export interface ReadQuery {
  /** Inclusive start of the range, ms since the epoch. */
  startMs: number;
  /** Inclusive end of the range, ms since the epoch. */
  endMs: number;
  matchers: readonly LabelMatcher[];
}

/**
 * Encodes a remote-read `ReadRequest` (uncompressed; the caller snappy-compresses it). `accepted`
 * lists the response types in order of preference; Prometheus streams when it sees
 * STREAMED_XOR_CHUNKS and otherwise answers with SAMPLES. Default-valued fields are omitted, as
 * the canonical proto3 encoding does.
 */
export function encodeReadRequest(
  queries: readonly ReadQuery[],
  accepted: readonly ResponseType[],
): Uint8Array {
  const w = new ProtoWriter(256);
  for (const q of queries) {
    if (!Number.isSafeInteger(q.startMs) || !Number.isSafeInteger(q.endMs)) {
      throw new RangeError(`query range [${q.startMs}, ${q.endMs}] must be safe integers`);
    }
    w.byte(0x0a); // queries = 1
    const query = w.fork();
    if (q.startMs !== 0) {
      w.byte(0x08); // start_timestamp_ms = 1
      w.int64(q.startMs);
    }
    if (q.endMs !== 0) {
      w.byte(0x10); // end_timestamp_ms = 2
      w.int64(q.endMs);
    }
    for (const m of q.matchers) {
      w.byte(0x1a); // matchers = 3
      const matcher = w.fork();
      if (m.type !== MatcherType.EQ) {
        w.byte(0x08); // type = 1
        w.uvarint(m.type);
      }
      if (m.name !== "") {
        w.byte(0x12); // name = 2
        w.string(m.name);
      }
      if (m.value !== "") {
        w.byte(0x1a); // value = 3
        w.string(m.value);
      }
      w.join(matcher);
    }
    w.join(query);
  }
  if (accepted.length > 0) {
    w.byte(0x12); // accepted_response_types = 2, packed
    const packed = w.fork();
    for (const type of accepted) w.uvarint(type);
    w.join(packed);
  }
  return w.finish();
}
