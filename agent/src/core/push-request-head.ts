/** A push as it goes on the wire: the compressed payload and what it holds. */
export interface PushMessage {
  /** Snappy block-compressed prometheus.WriteRequest. */
  payload: Uint8Array;
  samples: number;
  histograms: number;
  /** Empty for live remote-write traffic. */
  importId: string;
}

/** gRPC's message prefix: a flags byte (0: not compressed) and the message length, big-endian. */
const ENVELOPE_BYTES = 5;
const utf8 = new TextEncoder();

/**
 * What goes on the wire before a push's payload: gRPC's 5-byte message prefix, then the
 * `ferry.v1.PushRequest` fields other than the payload, then the payload's tag and length.
 * Protobuf decodes fields in any order, so with the payload last its bytes follow this head
 * as they are: the payload is never copied into a message buffer, or into an envelope.
 */
export function pushRequestHead(message: PushMessage): Uint8Array {
  const importId = utf8.encode(message.importId);
  const fields: number[] = [];
  // proto3: a field at its default value is not written.
  if (message.samples !== 0) fields.push(0x10, ...varint(message.samples, "samples"));
  if (message.histograms !== 0) fields.push(0x18, ...varint(message.histograms, "histograms"));
  if (importId.length > 0) fields.push(0x22, ...varint(importId.length, "import_id"), ...importId);
  const payloadLength = message.payload.byteLength;
  fields.push(0x0a, ...varint(payloadLength, "payload"));
  const messageLength = fields.length + payloadLength;
  if (messageLength > 0xffff_ffff)
    throw new RangeError(`payload: ${payloadLength} bytes, too large for gRPC`);
  const head = new Uint8Array(ENVELOPE_BYTES + fields.length);
  const view = new DataView(head.buffer);
  view.setUint8(0, 0);
  view.setUint32(1, messageLength);
  head.set(fields, ENVELOPE_BYTES);
  return head;
}

/** Base-128 varint of a non-negative integer up to 2^53 (counts and lengths). */
function varint(value: number, field: string): number[] {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${field}: ${value} is not a count (a non-negative integer)`);
  }
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return bytes;
}
