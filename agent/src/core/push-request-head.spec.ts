import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { PushRequestSchema } from "@ferry/api";
import { type PushMessage, pushRequestHead } from "./push-request-head";

/** The message the head and payload make, as a gRPC peer reads it. */
function decode(message: PushMessage) {
  const head = pushRequestHead(message);
  const wire = Buffer.concat([head, message.payload]);
  expect(wire[0]).toBe(0);
  expect(wire.readUInt32BE(1)).toBe(wire.length - 5);
  return { request: fromBinary(PushRequestSchema, wire.subarray(5)), wire };
}

describe("pushRequestHead", () => {
  it("makes, with the payload after it, a PushRequest that decodes to the same fields", () => {
    const payload = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff);
    const message = { payload, samples: 40_000, histograms: 12, importId: "imp-ü-1" };
    const { request } = decode(message);
    expect(request.payload).toEqual(payload);
    expect(request.samples).toBe(40_000n);
    expect(request.histograms).toBe(12n);
    expect(request.importId).toBe("imp-ü-1");
  });

  it("is as long as protobuf-es's own encoding of the same message", () => {
    const payload = new Uint8Array(200_000).fill(3);
    const message = { payload, samples: 2 ** 40, histograms: 0, importId: "" };
    const { request, wire } = decode(message);
    expect(request.samples).toBe(2n ** 40n);
    const reference = toBinary(
      PushRequestSchema,
      create(PushRequestSchema, { payload, samples: 2n ** 40n, histograms: 0n, importId: "" }),
    );
    expect(wire.length - 5).toBe(reference.length);
  });

  it("carries an empty payload (live traffic may send one)", () => {
    const { request } = decode({ payload: new Uint8Array(0), samples: 0, histograms: 0, importId: "" });
    expect(request.payload.length).toBe(0);
    expect(request.samples).toBe(0n);
  });

  it("refuses a count that is not a non-negative integer, naming the field", () => {
    const payload = new Uint8Array(1);
    expect(() => pushRequestHead({ payload, samples: -1, histograms: 0, importId: "" })).toThrow(
      /samples: -1/,
    );
    expect(() => pushRequestHead({ payload, samples: 1, histograms: 0.5, importId: "" })).toThrow(
      /histograms: 0.5/,
    );
  });
});
