import { ImportState, type StopImportRequest } from "@ferry/api";
import { cliHarness } from "../testing/cli-harness";
import { importFixture } from "../testing/fixtures";

describe("ferry import stop", () => {
  it("stops the target's import and prints it", async () => {
    const requests: StopImportRequest[] = [];
    const cli = cliHarness({
      stopImport(req) {
        requests.push(req);
        return { import: importFixture({ state: ImportState.CANCELED }) };
      },
    });
    expect(await cli.run("import", "stop", "--cluster", "prod", "--target", "prometheus")).toBe(0);
    expect(requests.map((r) => [r.clusterId, r.target])).toEqual([["prod", "prometheus"]]);
    expect(cli.stdout.text).toMatch(/^prod\s+prometheus\s+Canceled/m);
  });

  it("prints the StopImportResponse as JSON", async () => {
    const cli = cliHarness({
      stopImport: () => ({ import: importFixture({ state: ImportState.CANCELED }) }),
    });
    expect(await cli.run("import", "stop", "--cluster", "prod", "--target", "prometheus", "-o", "json")).toBe(
      0,
    );
    expect(JSON.parse(cli.stdout.text).import.state).toBe("IMPORT_STATE_CANCELED");
  });

  it("needs --target", async () => {
    const cli = cliHarness({});
    expect(await cli.run("import", "stop", "--cluster", "prod")).toBe(2);
    expect(cli.stderr.text).toBe("ferry: required option '--target <name>' not specified\n");
  });
});
