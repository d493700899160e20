import { timestampMs } from "@bufbuild/protobuf/wkt";
import type { QueryRequest, SeriesRequest } from "@ferry/api";
import { cliHarness, NOW_MS } from "../testing/cli-harness";

const H = 3_600_000;
const vector = {
  resultType: "vector",
  series: [{ labels: { __name__: "up", job: "node" }, samples: [{ timestampMs: BigInt(NOW_MS), value: 1 }] }],
};

function recording() {
  const requests: QueryRequest[] = [];
  const cli = cliHarness({
    query(req) {
      requests.push(req);
      return vector;
    },
  });
  return { cli, requests };
}

describe("ferry query", () => {
  it("runs an instant query now by default and prints a table", async () => {
    const { cli, requests } = recording();
    expect(await cli.run("query", "--cluster", "prod", "up")).toBe(0);
    const [req] = requests;
    expect(req?.clusterId).toBe("prod");
    expect(req?.query).toBe("up");
    expect(req?.time && timestampMs(req.time)).toBe(NOW_MS);
    expect(req?.start).toBeUndefined();
    expect(req?.stepMs).toBe(0n);
    expect(cli.stdout.text).toBe(
      ["SERIES          TIME                  VALUE", 'up{job="node"}  2026-11-23T12:00:00Z  1', ""].join(
        "\n",
      ),
    );
  });

  it("takes the query before or after the flags, and --time", async () => {
    const { cli, requests } = recording();
    expect(await cli.run("query", "sum(rate(x[5m]))", "--cluster", "prod", "--time", "-1h")).toBe(0);
    expect(requests[0]?.query).toBe("sum(rate(x[5m]))");
    expect(requests[0]?.time && timestampMs(requests[0].time)).toBe(NOW_MS - H);
  });

  it("runs a range query with --start, --end and --step", async () => {
    const { cli, requests } = recording();
    expect(
      await cli.run(
        "query",
        "--cluster",
        "prod",
        "up",
        "--start",
        "-2h",
        "--end",
        "-1h",
        "--step",
        "30s",
        "-o",
        "json",
      ),
    ).toBe(0);
    const [req] = requests;
    expect(req?.start && timestampMs(req.start)).toBe(NOW_MS - 2 * H);
    expect(req?.end && timestampMs(req.end)).toBe(NOW_MS - H);
    expect(req?.stepMs).toBe(30_000n);
    expect(req?.time).toBeUndefined();
    const doc = JSON.parse(cli.stdout.text);
    expect(doc.resultType).toBe("vector");
    expect(doc.series[0].labels).toEqual({ __name__: "up", job: "node" });
    expect(doc.series[0].samples[0]).toEqual({ timestampMs: String(NOW_MS), value: 1 });
  });

  it.each([
    [["up", "--start", "-1h"], "ferry: a range query needs all of --start, --end and --step\n"],
    [
      ["up", "--start", "-1h", "--end", "now", "--step", "1m", "--time", "now"],
      "ferry: --time is for instant queries; it cannot be combined with --start/--end/--step\n",
    ],
    [
      ["up", "--start", "-1h", "--end", "now", "--step", "soon"],
      /^ferry: invalid --step: "soon" is not a duration/,
    ],
    [["up", "--time", "later"], /^ferry: invalid --time: "later" is not a valid time/],
    [[], "ferry: missing required argument 'promql'\n"],
    [["up", "extra"], /^ferry: too many arguments for 'query'/],
  ])("refuses %j with exit 2", async (args, message) => {
    const { cli, requests } = recording();
    expect(await cli.run("query", "--cluster", "prod", ...args)).toBe(2);
    if (typeof message === "string") expect(cli.stderr.text).toBe(message);
    else expect(cli.stderr.text).toMatch(message);
    expect(requests).toHaveLength(0);
  });
});

describe("ferry query --series", () => {
  function seriesRecording() {
    const requests: SeriesRequest[] = [];
    const cli = cliHarness({
      series(req) {
        requests.push(req);
        const labels: Record<string, string>[] = [
          { __name__: "up", job: "node", instance: "a:9100" },
          { __name__: "up", job: "prometheus" },
        ];
        return { series: labels.map((l) => ({ labels: l })) };
      },
    });
    return { cli, requests };
  }

  it("looks series up with every --series selector and prints one per line", async () => {
    const { cli, requests } = seriesRecording();
    expect(await cli.run("query", "--cluster", "prod", "--series", "up", "--series", '{job="node"}')).toBe(0);
    expect(requests.map((r) => [r.clusterId, r.matchers, r.start, r.end])).toEqual([
      ["prod", ["up", '{job="node"}'], undefined, undefined],
    ]);
    expect(cli.stdout.text).toBe(
      ["SERIES", 'up{instance="a:9100",job="node"}', 'up{job="prometheus"}', ""].join("\n"),
    );
  });

  it("bounds the look-up with --start and --end, and prints JSON", async () => {
    const { cli, requests } = seriesRecording();
    expect(
      await cli.run(
        "query",
        "--cluster",
        "prod",
        "--series",
        "up",
        "--start",
        "-2h",
        "--end",
        "-1h",
        "-o",
        "json",
      ),
    ).toBe(0);
    expect(requests[0]?.start && timestampMs(requests[0].start)).toBe(NOW_MS - 2 * H);
    expect(requests[0]?.end && timestampMs(requests[0].end)).toBe(NOW_MS - H);
    expect(JSON.parse(cli.stdout.text).series[1].labels).toEqual({ __name__: "up", job: "prometheus" });
  });

  it.each([
    [
      ["up", "--series", "up"],
      /^ferry: --series lists series; give the selectors with --series and no PromQL/,
    ],
    [["--series", "up", "--time", "now"], /^ferry: --time and --step are for queries/],
    [["--series", "up{"], /^ferry: invalid --series "up\{"/],
    [["--series", "up", "--start", "now", "--end", "-1h"], /^ferry: --start must not be after --end/],
  ])("refuses %j with exit 2", async (args, message) => {
    const { cli, requests } = seriesRecording();
    expect(await cli.run("query", "--cluster", "prod", ...args)).toBe(2);
    expect(cli.stderr.text).toMatch(message);
    expect(requests).toHaveLength(0);
  });
});
