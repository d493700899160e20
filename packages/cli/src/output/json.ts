import { type DescMessage, type MessageShape, toJson } from "@bufbuild/protobuf";

// Emit every field, zero or not, so scripts can rely on a field being present.
const WRITE_OPTIONS = { alwaysEmitImplicit: true } as const;

/** One pretty-printed JSON document with the proto's JSON field names. */
export function jsonDocument<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): string {
  return `${JSON.stringify(toJson(schema, message, WRITE_OPTIONS), null, 2)}\n`;
}

/** One JSON object on one line, for streams (newline-delimited JSON). */
export function jsonLine<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): string {
  return `${JSON.stringify(toJson(schema, message, WRITE_OPTIONS))}\n`;
}
