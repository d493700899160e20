import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { type VerifyImportRequest, type VerifyImportResponse, VerifyImportResponseSchema } from "@ferry/api";
import { cliHarness, NOW_MS } from "../testing/cli-harness";

const H = 3_600_000;
const T0 = NOW_MS - 2 * H;

function verified(mismatch: boolean): VerifyImportResponse {
  return create(VerifyImportResponseSchema, {
    match: !mismatch,
    windows: [
      {
        start: timestampFromMs(T0),
        end: timestampFromMs(T0 + H),
        sourceSamples: 2400n,
        sinkSamples: 2400n,
        series: 10n,
        mismatchedSeries: 0n,
        match: true,
      },
      {
        start: timestampFromMs(T0 + H),
        end: timestampFromMs(T0 + 2 * H),
        sourceSamples: 2400n,
        sinkSamples: mismatch ? 2160n : 2400n,
        series: 10n,
        mismatchedSeries: mismatch ? 1n : 0n,
        match: !mismatch,
      },
    ],
    mismatches: mismatch
      ? [
          {
            windowStart: timestampFromMs(T0 + H),
            windowEnd: timestampFromMs(T0 + 2 * H),
            labels: { __name__: "up", job: "node" },
            sourceSamples: 240n,
            sinkSamples: 0n,
          },
        ]
      : [],
    mismatchesOmitted: mismatch ? 3n : 0n,
    sourceSamples: 4800n,
    sinkSamples: mismatch ? 4560n : 4800n,
    series: 10n,
    mismatchedSeries: mismatch ? 1n : 0n,
  });
}

function recording(mismatch: boolean) {
  const requests: VerifyImportRequest[] = [];
  const cli = cliHarness({
    verifyImport(req) {
      requests.push(req);
      return verified(mismatch);
    },
  });
  return { cli, requests };
}

describe("ferry import verify", () => {
  it("prints the windows and exits 0 when everything matches", async () => {
    const { cli, requests } = recording(false);
    expect(await cli.run("import", "verify", "--cluster", "prod", "--target", "prometheus")).toBe(0);
    expect(requests.map((r) => [r.clusterId, r.target, r.windowMs, r.maxMismatches])).toEqual([
      ["prod", "prometheus", 0n, 0],
    ]);
    expect(cli.stdout.text).toBe(
      [
        "START                 END                   SOURCE  SINK   SERIES  MISMATCHED  RESULT",
        "2026-11-23T10:00:00Z  2026-11-23T11:00:00Z  2,400   2,400  10      0           OK",
        "2026-11-23T11:00:00Z  2026-11-23T12:00:00Z  2,400   2,400  10      0           OK",
        "",
        "OK: 4,800 samples at the source, 4,800 in the sink, 10 series",
        "",
      ].join("\n"),
    );
    expect(cli.stderr.text).toBe("");
  });

  it("lists the mismatching series and exits 1 on a mismatch", async () => {
    const { cli, requests } = recording(true);
    expect(
      await cli.run(
        "import",
        "verify",
        "--cluster",
        "prod",
        "--target",
        "prometheus",
        "--window",
        "30m",
        "--max-mismatches",
        "1",
      ),
    ).toBe(1);
    expect(requests[0]?.windowMs).toBe(1_800_000n);
    expect(requests[0]?.maxMismatches).toBe(1);
    expect(cli.stdout.text).toMatch(
      /^2026-11-23T11:00:00Z {2}2026-11-23T12:00:00Z {2}2,400 {3}2,160 .* MISMATCH$/m,
    );
    expect(cli.stdout.text).toMatch(/^WINDOW {16}SERIES {10}SOURCE {2}SINK$/m);
    expect(cli.stdout.text).toMatch(/^2026-11-23T11:00:00Z {2}up\{job="node"\} {2}240 {5}0$/m);
    expect(cli.stdout.text).toMatch(/^… and 3 more mismatches \(--max-mismatches\)$/m);
    expect(cli.stdout.text).toMatch(
      /^MISMATCH: 1 series differ; 4,800 samples at the source, 4,560 in the sink/m,
    );
    expect(cli.stderr.text).toBe("ferry: prod/prometheus: 1 of 10 series differ between source and sink\n");
  });

  it("prints the VerifyImportResponse as JSON, and still exits 1 on a mismatch", async () => {
    const { cli } = recording(true);
    expect(
      await cli.run("import", "verify", "--cluster", "prod", "--target", "prometheus", "-o", "json"),
    ).toBe(1);
    const doc = JSON.parse(cli.stdout.text);
    expect(doc.match).toBe(false);
    expect(doc.windows).toHaveLength(2);
    expect(doc.mismatches[0].labels).toEqual({ __name__: "up", job: "node" });
    expect(doc.mismatchedSeries).toBe("1");
  });

  it("shows the server's refusal with its code", async () => {
    const cli = cliHarness({
      verifyImport() {
        throw new ConnectError(
          "target: the import of prod/prometheus is running; only a finished import (completed, failed or canceled) can be verified",
          Code.FailedPrecondition,
        );
      },
    });
    expect(await cli.run("import", "verify", "--cluster", "prod", "--target", "prometheus")).toBe(1);
    expect(cli.stderr.text).toMatch(
      /^ferry: failed_precondition: target: the import of prod\/prometheus is running/,
    );
  });

  it.each([
    [["--window", "soon"], /^ferry: invalid --window: "soon" is not a duration/],
    [["--window", "0s"], /^ferry: invalid --window: "0s" must be longer than zero/],
    [["--max-mismatches", "-1"], /^ferry: invalid --max-mismatches "-1"/],
  ])("refuses %j with exit 2", async (args, message) => {
    const { cli, requests } = recording(false);
    expect(await cli.run("import", "verify", "--cluster", "prod", "--target", "prometheus", ...args)).toBe(2);
    expect(cli.stderr.text).toMatch(message);
    expect(requests).toHaveLength(0);
  });
});
