import { ImportState, type WatchImportsRequest } from "@ferry/api";
import { cliHarness } from "../testing/cli-harness";
import { importFixture } from "../testing/fixtures";

describe("ferry import watch", () => {
  const updates = [
    importFixture({ id: "old", target: "old", state: ImportState.COMPLETED, percent: 100 }),
    importFixture({ state: ImportState.RUNNING, percent: 10 }),
    importFixture({ state: ImportState.RUNNING, percent: 20 }),
    importFixture({ state: ImportState.COMPLETED, percent: 100 }),
  ];

  it("prints plain lines off a terminal, a report for imports that end, and exits 0 when the stream ends", async () => {
    const requests: WatchImportsRequest[] = [];
    const cli = cliHarness({
      async *watchImports(req) {
        requests.push(req);
        for (const imp of updates) yield { import: imp };
      },
    });
    expect(await cli.run("import", "watch", "--cluster", "prod")).toBe(0);
    expect(requests.map((r) => [r.clusterId, r.target])).toEqual([["prod", ""]]);
    const lines = cli.stdout.text.split("\n");
    expect(lines[0]).toBe("2026-11-23T12:00:00Z  prod/old  Completed  100.0%");
    expect(lines[1]).toBe(
      "2026-11-23T12:00:00Z  prod/prometheus  Running  10.0%  written 999k  rejected 1.00k  -",
    );
    // the 20 % update came within the same second: throttled
    expect(lines[2]).toBe("prod/prometheus: Completed after 1m00s");
    expect(cli.stdout.text).not.toContain("20.0%");
  });

  it("writes one JSON object per update", async () => {
    const cli = cliHarness({
      async *watchImports() {
        for (const imp of updates) yield { import: imp };
      },
    });
    expect(await cli.run("import", "watch", "-o", "json")).toBe(0);
    const lines = cli.stdout.text.trimEnd().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines.map((l) => JSON.parse(l).import.percent)).toEqual([100, 10, 20, 100]);
  });

  it("ends quietly with exit 0 on SIGINT", async () => {
    const cli = cliHarness({
      async *watchImports(_req, ctx) {
        yield { import: updates[1] };
        await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
      },
    });
    const run = cli.run("import", "watch");
    await new Promise((resolve) => setTimeout(resolve, 50));
    cli.shutdown.abort();
    expect(await run).toBe(0);
    expect(cli.stderr.text).toBe("");
    expect(cli.stdout.text).toContain("Running  10.0%");
  });

  it("draws bars on a terminal", async () => {
    const cli = cliHarness(
      {
        async *watchImports() {
          yield { import: updates[1] };
          await new Promise((resolve) => setTimeout(resolve, 150));
          yield { import: updates[3] };
        },
      },
      { tty: true },
    );
    expect(await cli.run("import", "watch")).toBe(0);
    const text = cli.stdout.plain();
    expect(text).toContain("prod/prometheus [");
    expect(text).toContain("prod/prometheus: Completed after 1m00s");
  });
});
