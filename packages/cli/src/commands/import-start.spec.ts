import { create } from "@bufbuild/protobuf";
import { timestampFromMs, timestampMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  ImportPreviewSchema,
  ImportState,
  type StartImportRequest,
  type WatchImportsRequest,
} from "@ferry/api";
import { cliHarness, NOW_MS } from "../testing/cli-harness";
import { importFixture } from "../testing/fixtures";

const H = 3_600_000;
const BASE = ["import", "start", "--cluster", "prod", "--target", "prometheus"];

describe("ferry import start", () => {
  it("sends the range, the raw selectors and --force, and prints the import", async () => {
    const requests: StartImportRequest[] = [];
    const cli = cliHarness({
      startImport(req) {
        requests.push(req);
        return { import: importFixture({ state: ImportState.PENDING, percent: 0 }) };
      },
    });
    const code = await cli.run(
      ...BASE,
      "--start",
      "-24h",
      "--end",
      "2026-11-23T11:00:00Z",
      "--match",
      'up{job = "node"}',
      "--match",
      "{__name__=~`node_.*`}",
      "--force",
    );
    expect(code).toBe(0);
    const [req] = requests;
    expect(req?.clusterId).toBe("prod");
    expect(req?.target).toBe("prometheus");
    expect(req?.start && timestampMs(req.start)).toBe(NOW_MS - 24 * H);
    expect(req?.end && timestampMs(req.end)).toBe(NOW_MS - H);
    expect(req?.selectors).toEqual(['up{job = "node"}', "{__name__=~`node_.*`}"]);
    expect(req?.force).toBe(true);
    expect(cli.stdout.text).toMatch(/^CLUSTER\s+TARGET\s+STATE/);
    expect(cli.stdout.text).toMatch(/^prod\s+prometheus\s+Pending\s+0\.0%/m);
  });

  it("prints the StartImportResponse as JSON", async () => {
    const cli = cliHarness({ startImport: () => ({ import: importFixture() }) });
    expect(await cli.run("-o", "json", ...BASE, "--start", "-1h", "--end", "now")).toBe(0);
    const doc = JSON.parse(cli.stdout.text);
    expect(doc.import.id).toBe("imp-1");
    expect(doc.import.state).toBe("IMPORT_STATE_RUNNING");
    expect(doc.import.selectors).toEqual([]);
  });

  it.each([
    [
      ["--start", "-1h", "--end", "now", "--match", "up{"],
      /^ferry: invalid --match "up\{": column 4: expected a label name or "}", found end of input\n$/,
    ],
    [
      ["--start", "-1h", "--end", "now", "--match", '{job=~".*"}'],
      /invalid --match .*does not match the empty string/,
    ],
    [
      ["--start", "yesterday", "--end", "now"],
      /^ferry: invalid --start: "yesterday" is not a valid time; use RFC3339/,
    ],
    [
      ["--start", "now", "--end", "-1h"],
      /^ferry: --start \(2026-11-23T12:00:00Z\) must be before --end \(2026-11-23T11:00:00Z\)\n$/,
    ],
    [["--start", "-1h"], /^ferry: required option '--end <time>' not specified\n$/],
  ])("refuses %j with exit 2 before calling the server", async (args, message) => {
    let called = false;
    const cli = cliHarness({
      startImport() {
        called = true;
        return {};
      },
    });
    expect(await cli.run(...BASE, ...args)).toBe(2);
    expect(cli.stderr.text).toMatch(message);
    expect(called).toBe(false);
  });

  it("passes on the server's refusal", async () => {
    const cli = cliHarness({
      startImport() {
        throw new ConnectError(
          "import of prod/prometheus already completed; use --force",
          Code.FailedPrecondition,
        );
      },
    });
    expect(await cli.run(...BASE, "--start", "-1h", "--end", "now")).toBe(1);
    expect(cli.stderr.text).toBe(
      "ferry: failed_precondition: import of prod/prometheus already completed; use --force\n",
    );
  });

  describe("--follow", () => {
    function following(finalState: ImportState, watched: WatchImportsRequest[] = []) {
      return cliHarness({
        startImport: () => ({ import: importFixture({ state: ImportState.PENDING, percent: 0 }) }),
        async *watchImports(req) {
          watched.push(req);
          yield { import: importFixture({ id: "someone-else", state: ImportState.RUNNING }) };
          yield { import: importFixture({ state: ImportState.RUNNING, percent: 50 }) };
          yield {
            import: importFixture({
              state: finalState,
              percent: finalState === ImportState.COMPLETED ? 100 : 50,
              finishedAt: timestampFromMs(NOW_MS),
              message: finalState === ImportState.FAILED ? "sink answered 400" : "",
            }),
          };
          yield { import: importFixture({ state: ImportState.RUNNING }) };
        },
      });
    }

    it("shows progress and exits 0 when the import completes", async () => {
      const watched: WatchImportsRequest[] = [];
      const cli = following(ImportState.COMPLETED, watched);
      expect(await cli.run(...BASE, "--start", "-24h", "--end", "now", "--follow")).toBe(0);
      expect(watched.map((w) => [w.clusterId, w.target])).toEqual([["prod", "prometheus"]]);
      const out = cli.stdout.text;
      expect(out).toMatch(
        /^started import imp-1 of prod\/prometheus: 2026-11-22T12:00:00Z \.\. 2026-11-23T12:00:00Z\n/,
      );
      expect(out).toContain("prod/prometheus  Running  50.0%");
      expect(out).toContain("prod/prometheus: Completed after 1m00s");
      expect(out).toContain("samples    read 1,000,000, written 999,000, rejected 1,000");
      expect(out).not.toContain("someone-else");
      expect(cli.stderr.text).toBe("");
    });

    it.each([ImportState.FAILED, ImportState.CANCELED])("exits 1 when the import ends %s", async (state) => {
      const cli = following(state);
      expect(await cli.run(...BASE, "--start", "-24h", "--end", "now", "--follow")).toBe(1);
      expect(cli.stdout.text).toMatch(/prod\/prometheus: (Failed|Canceled) after/);
      expect(cli.stderr.text).toBe("");
    });

    it("writes JSON lines: the start response, then every update of this import", async () => {
      const cli = following(ImportState.COMPLETED);
      expect(await cli.run("-o", "json", ...BASE, "--start", "-24h", "--end", "now", "--follow")).toBe(0);
      const lines = cli.stdout.text
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l));
      expect(lines.map((l) => l.import.state)).toEqual([
        "IMPORT_STATE_PENDING",
        "IMPORT_STATE_RUNNING",
        "IMPORT_STATE_COMPLETED",
      ]);
    });

    it("fails when the watch ends before the import does", async () => {
      const cli = cliHarness({
        startImport: () => ({ import: importFixture() }),
        async *watchImports() {
          yield { import: importFixture() };
        },
      });
      expect(await cli.run(...BASE, "--start", "-24h", "--end", "now", "--follow")).toBe(1);
      expect(cli.stderr.text).toMatch(
        /^ferry: the gateway ended the watch before import imp-1 of prod\/prometheus finished/,
      );
    });

    it("detaches on SIGINT with exit 130, leaving the import running", async () => {
      const cli = cliHarness({
        startImport: () => ({ import: importFixture() }),
        async *watchImports(_req, ctx) {
          yield { import: importFixture() };
          await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
        },
      });
      const run = cli.run(...BASE, "--start", "-24h", "--end", "now", "--follow");
      await new Promise((resolve) => setTimeout(resolve, 50));
      cli.shutdown.abort();
      expect(await run).toBe(130);
      expect(cli.stderr.text).toBe(
        "ferry: interrupted; import imp-1 keeps running (stop it with: ferry import stop --cluster prod --target prometheus)\n",
      );
    });
  });

  describe("--dry-run", () => {
    const preview = () =>
      create(ImportPreviewSchema, {
        series: 1000n,
        estimatedSamples: 5_760_000n,
        estimatedBytes: 92_100_000n,
        probedMs: 3n * BigInt(H),
        responseType: "streamed",
        windows: Array.from({ length: 7 }, (_, i) => ({
          start: timestampFromMs(NOW_MS - 24 * H + i * H),
          end: timestampFromMs(NOW_MS - 23 * H + i * H - 1),
          estimatedSamples: 240_000n,
        })),
        warnings: ["the sink (Prometheus) will reject samples older than X; raise out_of_order_time_window"],
      });

    it("asks for a dry run and prints the preview: estimates, the first windows, warnings", async () => {
      const requests: StartImportRequest[] = [];
      const cli = cliHarness({
        startImport(req) {
          requests.push(req);
          return { preview: preview() };
        },
      });
      expect(await cli.run(...BASE, "--start", "-24h", "--end", "now", "--dry-run")).toBe(0);
      expect(requests.map((r) => r.dryRun)).toEqual([true]);
      expect(cli.stdout.text).toBe(
        [
          "dry run of prod/prometheus: 2026-11-22T12:00:00Z .. 2026-11-23T12:00:00Z (nothing was written)",
          "  series        1,000",
          "  est. samples  5,760,000",
          "  est. bytes    92.1MB read from the source (uncompressed)",
          "  probed        3h00m of the range (streamed)",
          "  windows       7",
          "    START                 END                       EST. SAMPLES",
          "    2026-11-22T12:00:00Z  2026-11-22T12:59:59.999Z  240,000",
          "    2026-11-22T13:00:00Z  2026-11-22T13:59:59.999Z  240,000",
          "    2026-11-22T14:00:00Z  2026-11-22T14:59:59.999Z  240,000",
          "    2026-11-22T15:00:00Z  2026-11-22T15:59:59.999Z  240,000",
          "    2026-11-22T16:00:00Z  2026-11-22T16:59:59.999Z  240,000",
          "    … 2 more (-o json lists them)",
          "  warnings",
          "    - the sink (Prometheus) will reject samples older than X; raise out_of_order_time_window",
          "",
        ].join("\n"),
      );
    });

    it("says when there is nothing to warn about", async () => {
      const cli = cliHarness({
        startImport: () => ({ preview: { ...preview(), warnings: [], windows: [] } }),
      });
      expect(await cli.run(...BASE, "--start", "-24h", "--end", "now", "--dry-run")).toBe(0);
      expect(cli.stdout.text).toMatch(/ {2}windows {7}0\n {2}warnings {6}none\n$/);
    });

    it("prints the StartImportResponse with its preview as JSON", async () => {
      const cli = cliHarness({ startImport: () => ({ preview: preview() }) });
      expect(await cli.run("-o", "json", ...BASE, "--start", "-24h", "--end", "now", "--dry-run")).toBe(0);
      const doc = JSON.parse(cli.stdout.text);
      expect(doc.import).toBeUndefined();
      expect(doc.preview.series).toBe("1000");
      expect(doc.preview.estimatedSamples).toBe("5760000");
      expect(doc.preview.windows).toHaveLength(7);
      expect(doc.preview.warnings).toHaveLength(1);
    });

    it("refuses --dry-run with --follow before calling the server", async () => {
      let called = false;
      const cli = cliHarness({
        startImport() {
          called = true;
          return {};
        },
      });
      expect(await cli.run(...BASE, "--start", "-1h", "--end", "now", "--dry-run", "--follow")).toBe(2);
      expect(cli.stderr.text).toBe("ferry: --dry-run starts nothing to --follow\n");
      expect(called).toBe(false);
    });
  });
});
