import { create } from "@bufbuild/protobuf";
import { QueryResponseSchema } from "@ferry/api";
import { formatQueryTable, formatSampleValue, formatSeriesLabels } from "./query-table";

describe("query output", () => {
  it("writes series labels as PromQL, metric name first, others sorted", () => {
    expect(formatSeriesLabels({ job: "node", __name__: "up", instance: "a:9100" })).toBe(
      'up{instance="a:9100",job="node"}',
    );
    expect(formatSeriesLabels({ job: "x" })).toBe('{job="x"}');
    expect(formatSeriesLabels({})).toBe("{}");
  });

  it("spells special values as Prometheus does", () => {
    expect(
      [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1.5].map(formatSampleValue),
    ).toEqual(["NaN", "+Inf", "-Inf", "1.5"]);
  });

  it("prints one row per sample", () => {
    const response = create(QueryResponseSchema, {
      resultType: "matrix",
      series: [
        {
          labels: { __name__: "up", job: "a" },
          samples: [
            { timestampMs: 1_700_000_000_000n, value: 1 },
            { timestampMs: 1_700_000_060_000n, value: 0 },
          ],
        },
      ],
    });
    expect(formatQueryTable(response)).toBe(
      [
        "SERIES       TIME                  VALUE",
        'up{job="a"}  2023-11-14T22:13:20Z  1',
        'up{job="a"}  2023-11-14T22:14:20Z  0',
        "",
      ].join("\n"),
    );
  });
});
