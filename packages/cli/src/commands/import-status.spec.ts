import { ImportState, type ListImportsRequest } from "@ferry/api";
import { cliHarness } from "../testing/cli-harness";
import { importFixture } from "../testing/fixtures";

describe("ferry import status", () => {
  it("lists imports with the filters given", async () => {
    const requests: ListImportsRequest[] = [];
    const cli = cliHarness({
      listImports(req) {
        requests.push(req);
        return {
          imports: [
            importFixture(),
            importFixture({ id: "imp-2", target: "b", state: ImportState.FAILED, message: "x" }),
          ],
        };
      },
    });
    expect(await cli.run("import", "status", "--cluster", "prod")).toBe(0);
    expect(await cli.run("import", "status", "--target", "b")).toBe(0);
    expect(requests.map((r) => [r.clusterId, r.target])).toEqual([
      ["prod", ""],
      ["", "b"],
    ]);
    const lines = cli.stdout.text.split("\n");
    expect(lines[0]).toMatch(/^CLUSTER\s+TARGET\s+STATE\s+PROGRESS/);
    expect(lines[1]).toMatch(/^prod\s+prometheus\s+Running\s+40\.0%\s+999,000\s+1,000/);
    expect(lines[2]).toMatch(/^prod\s+b\s+Failed\s+.*\sx$/);
  });

  it("prints the ListImportsResponse as JSON", async () => {
    const cli = cliHarness({ listImports: () => ({ imports: [importFixture()] }) });
    expect(await cli.run("-o", "json", "import", "status")).toBe(0);
    const doc = JSON.parse(cli.stdout.text);
    expect(doc.imports[0].counters).toMatchObject({ samplesRead: "1000000", samplesWritten: "999000" });
    expect(doc.imports[0].percent).toBe(40);
  });
});
