import { TextDecoder } from "node:util";
import { MalformedError } from "../errors";
import type { WireReader } from "./wire-reader";

const LABEL_TAG = 0x0a; // TimeSeries.labels = 1
const NAME_TAG = 0x0a; // Label.name = 1
const VALUE_TAG = 0x12; // Label.value = 2

const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * The labels of one encoded TimeSeries, in their order on the wire. `fields` is positioned on the
 * TimeSeries' fields (other fields are skipped); `inner` is a reader to reuse for each Label.
 */
export function readSeriesLabels(
  fields: WireReader,
  inner: WireReader,
): Array<readonly [name: string, value: string]> {
  const labels: Array<readonly [string, string]> = [];
  while (!fields.done) {
    const tag = fields.uvarint();
    if (tag !== LABEL_TAG) {
      fields.skipField(tag);
      continue;
    }
    const labelEnd = fields.lengthDelimited();
    let name = "";
    let value = "";
    const r = inner.reset(fields.buf, fields.pos, labelEnd);
    while (!r.done) {
      const t = r.uvarint();
      if (t === NAME_TAG || t === VALUE_TAG) {
        const e = r.lengthDelimited();
        const text = decodeLabelText(r.buf.subarray(r.pos, e));
        r.pos = e;
        if (t === NAME_TAG) name = text;
        else value = text;
      } else {
        r.skipField(t);
      }
    }
    fields.pos = labelEnd;
    labels.push([name, value]);
  }
  return labels;
}

function decodeLabelText(bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch (err) {
    throw new MalformedError("label is not valid UTF-8", { cause: err });
  }
}
