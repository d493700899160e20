import { create } from "@bufbuild/protobuf";
import { TimestampSchema, timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { StartImportRequestSchema } from "@ferry/api";
import fc from "fast-check";
import {
  MAX_RANGE_MS,
  requireClusterId,
  requireEndpoint,
  requireImportOptions,
  requireNamespace,
  requireQueryText,
  requireRange,
  requireSelectors,
  requireTargetName,
  requireTimeoutMs,
} from "./validation";

/** Runs `check`; anything it throws must be InvalidArgument naming `field` first. */
function invalidOrOk(field: string, check: () => unknown): void {
  try {
    check();
  } catch (err) {
    if (!(err instanceof ConnectError)) throw err;
    expect(Code[err.code]).toBe("InvalidArgument");
    expect(err.rawMessage.startsWith(`${field}`)).toBe(true);
  }
}

function refusal(check: () => unknown): string {
  try {
    check();
  } catch (err) {
    if (err instanceof ConnectError && err.code === Code.InvalidArgument) return err.rawMessage;
    throw err;
  }
  throw new Error("accepted");
}

const anyText = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: "grapheme", maxLength: 100 }),
  fc.string({ unit: "binary", maxLength: 100 }),
  fc.constantFrom(
    "",
    " ",
    "a".repeat(70_000),
    "http://",
    "http://[::1",
    "file:///etc/passwd",
    "{",
    '{a=~"("}',
  ),
);

const anyTimestamp = fc
  .record({
    seconds: fc.oneof(
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
      fc.bigInt({ min: -100_000_000_000n, max: 300_000_000_000n }),
    ),
    nanos: fc.oneof(fc.integer(), fc.integer({ min: 0, max: 999_999_999 })),
  })
  .map((t) => create(TimestampSchema, t));

describe("API validators take any input", () => {
  it("names, URLs, namespaces and query texts: accepted, or InvalidArgument naming the field", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        invalidOrOk("cluster_id", () => requireClusterId("cluster_id", text));
        invalidOrOk("name", () => requireTargetName("name", text));
        invalidOrOk("endpoint", () => requireEndpoint("endpoint", text));
        invalidOrOk("namespace", () => requireNamespace("namespace", text));
        invalidOrOk("query", () => requireQueryText("query", text));
        invalidOrOk("selectors", () => requireSelectors("selectors", [text, text]));
      }),
      { numRuns: 500 },
    );
  });

  it("time ranges: any Timestamps, even ones no Date can hold", () => {
    fc.assert(
      fc.property(fc.option(anyTimestamp), fc.option(anyTimestamp), (start, end) => {
        try {
          const [a, b] = requireRange(start ?? undefined, end ?? undefined);
          expect(0 <= a && a < b && b - a <= MAX_RANGE_MS).toBe(true);
        } catch (err) {
          if (!(err instanceof ConnectError)) throw err;
          expect(Code[err.code]).toBe("InvalidArgument");
          expect(err.rawMessage).toMatch(/^(start|end): /);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("import options: any policy, rate, labels and drops", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -2, max: 5 }),
        fc.oneof(fc.double(), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1, 0, 1e9)),
        fc.dictionary(anyText, anyText, { maxKeys: 35 }),
        fc.array(anyText, { maxLength: 3 }),
        (onReject, rateLimit, extraLabels, dropSelectors) => {
          const req = create(StartImportRequestSchema, { onReject, rateLimit, extraLabels, dropSelectors });
          try {
            requireImportOptions(req);
          } catch (err) {
            if (!(err instanceof ConnectError)) throw err;
            expect(Code[err.code]).toBe("InvalidArgument");
            expect(err.rawMessage).toMatch(/^(on_reject|rate_limit|extra_labels|drop_selectors\[\d+\]): /);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("time ranges", () => {
  const now = Date.parse("2026-11-23T12:00:00Z");
  const at = (iso: string) => timestampFromMs(Date.parse(iso));

  it("accepts an ordinary range and returns it in ms", () => {
    expect(requireRange(at("2026-11-01T00:00:00Z"), at("2026-11-23T12:00:00Z"), now)).toEqual([
      Date.parse("2026-11-01T00:00:00Z"),
      now,
    ]);
  });

  it.each<[string, () => unknown, RegExp]>([
    ["missing start", () => requireRange(undefined, at("2026-01-01T00:00:00Z"), now), /^start: is required/],
    ["missing end", () => requireRange(at("2026-01-01T00:00:00Z"), undefined, now), /^end: is required/],
    [
      "start before 1970",
      () => requireRange(at("1969-12-31T00:00:00Z"), at("2026-01-01T00:00:00Z"), now),
      /^start: must not be before 1970/,
    ],
    [
      "end before start",
      () => requireRange(at("2026-01-02T00:00:00Z"), at("2026-01-01T00:00:00Z"), now),
      /^end: must be after start/,
    ],
    [
      "end far in the future",
      () => requireRange(at("2026-11-01T00:00:00Z"), at("2026-11-24T00:00:00Z"), now),
      /^end: 2026-11-24T00:00:00.000Z is more than 60 minutes in the future/,
    ],
    [
      "a range over five years",
      () => requireRange(at("2020-01-01T00:00:00Z"), at("2026-01-01T00:00:00Z"), now),
      /^start: the range .* is longer than 1826 days/,
    ],
    [
      "seconds beyond year 9999",
      () => requireRange(create(TimestampSchema, { seconds: 2n ** 62n }), at("2026-01-01T00:00:00Z"), now),
      /^start: seconds 4611686018427387904 is outside/,
    ],
    [
      "negative nanos",
      () =>
        requireRange(at("2026-01-01T00:00:00Z"), create(TimestampSchema, { seconds: 1n, nanos: -1 }), now),
      /^end: nanos -1/,
    ],
  ])("refuses %s, naming the field", (_case, check, message) => {
    expect(refusal(check)).toMatch(message);
  });
});

describe("other limits", () => {
  it("refuses too many selectors, too long ones, and too many extra labels", () => {
    expect(refusal(() => requireSelectors("selectors", Array(101).fill("up")))).toMatch(
      /^selectors: 101 selectors, at most 100/,
    );
    expect(refusal(() => requireSelectors("selectors", ["up", `{job="${"a".repeat(70_000)}"}`]))).toMatch(
      /^selectors\[1\]: 70008 characters, at most 65536/,
    );
    const extraLabels = Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`l${i}`, "v"]));
    expect(refusal(() => requireImportOptions(create(StartImportRequestSchema, { extraLabels })))).toMatch(
      /^extra_labels: 31 labels, at most 30/,
    );
    expect(
      refusal(() =>
        requireImportOptions(create(StartImportRequestSchema, { extraLabels: { a: "x".repeat(2049) } })),
      ),
    ).toMatch(/^extra_labels: "a": value longer than 2048 bytes/);
  });

  it("checks timeouts and namespaces", () => {
    expect(requireTimeoutMs("timeout_ms", 0n, 1000)).toBeUndefined();
    expect(requireTimeoutMs("timeout_ms", 500n, 1000)).toBe(500);
    expect(refusal(() => requireTimeoutMs("timeout_ms", -1n, 1000))).toMatch(
      /^timeout_ms: must not be negative/,
    );
    expect(refusal(() => requireTimeoutMs("timeout_ms", 2n ** 60n, 1000))).toMatch(
      /^timeout_ms: .* above the limit/,
    );
    expect(requireNamespace("namespace", "cattle-monitoring-system")).toBe("cattle-monitoring-system");
    expect(refusal(() => requireNamespace("namespace", "Monitoring"))).toMatch(
      /^namespace: "Monitoring" is not/,
    );
  });

  it("cuts a huge bad value short in the message", () => {
    const message = refusal(() => requireEndpoint("endpoint", `x${" ".repeat(2000)}`));
    expect(message.length).toBeLessThan(200);
  });
});
