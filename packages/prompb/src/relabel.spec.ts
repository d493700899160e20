import { SeriesRelabeler } from "./relabel";
import { decodeWriteRequest, encodeWriteRequest } from "./write-request";

const STALE = 0x7ff0000000000002n;

function batchOf(series: Parameters<typeof encodeWriteRequest>[0]) {
  const body = encodeWriteRequest(series);
  const samples = series.reduce((n, s) => n + s.samples.length, 0);
  return { body, samples, histograms: 0, series: series.length, continuesSeries: true };
}

describe("SeriesRelabeler", () => {
  const input = batchOf([
    {
      labels: [
        ["__name__", "up"],
        ["job", "node"],
        ["zone", "a"],
      ],
      samples: [
        { timestampMs: 1000, value: 1 },
        { timestampMs: 2000, value: Number.NaN, valueBits: STALE },
      ],
    },
    {
      labels: [
        ["__name__", "up"],
        ["cluster", "own"],
        ["job", "kubelet"],
      ],
      samples: [{ timestampMs: 1000, value: 0 }],
    },
  ]);

  it("inserts extra labels in sorted position, keeps a series' own value, and copies samples bit for bit", () => {
    const relabeler = new SeriesRelabeler({
      extraLabels: [
        ["cluster", "prod"],
        ["region", "eu"],
      ],
    });
    const out = relabeler.apply(input);
    expect(out).toMatchObject({ samples: 3, histograms: 0, series: 2, continuesSeries: true });
    const decoded = decodeWriteRequest(out?.body ?? new Uint8Array());
    expect(decoded.map((s) => s.labels)).toEqual([
      [
        ["__name__", "up"],
        ["cluster", "prod"],
        ["job", "node"],
        ["region", "eu"],
        ["zone", "a"],
      ],
      [
        ["__name__", "up"],
        ["cluster", "own"],
        ["job", "kubelet"],
        ["region", "eu"],
      ],
    ]);
    expect(decoded[0]?.samples.map((s) => [s.timestampMs, s.valueBits])).toEqual([
      [1000, 0x3ff0000000000000n],
      [2000, STALE],
    ]);
  });

  it("leaves out dropped series and recounts, and returns nothing when all are dropped", () => {
    const dropKubelet = new SeriesRelabeler({
      drop: (labels) => labels.some(([n, v]) => n === "job" && v === "kubelet"),
    });
    const out = dropKubelet.apply(input);
    expect(out).toMatchObject({ samples: 2, series: 1 });
    expect(decodeWriteRequest(out?.body ?? new Uint8Array()).map((s) => s.labels[1])).toEqual([
      ["job", "node"],
    ]);
    expect(new SeriesRelabeler({ drop: () => true }).apply(input)).toBeUndefined();
  });

  it("says when it has nothing to do", () => {
    expect(new SeriesRelabeler({}).isNoop).toBe(true);
    expect(new SeriesRelabeler({ extraLabels: [["a", "b"]] }).isNoop).toBe(false);
  });
});
