import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

// The README's first command runs `ferry demo`; this runs the built binary the same way, smaller.
describe("ferry demo", () => {
  it("imports generated history end to end and finds exactly the source's samples in the sink", async () => {
    const bin = join(__dirname, "../../packages/cli/bin/ferry.js");
    const { stdout } = await run(process.execPath, [bin, "demo", "--series", "30", "--hours", "3"], {
      timeout: 120_000,
      env: { ...process.env, FERRY_LOG_LEVEL: "error" },
    });
    expect(stdout).toMatch(/30 series × 3 h at 15 s = 21,600 samples/);
    expect(stdout).toMatch(/Completed/);
    expect(stdout).toMatch(/read 21,600, written 21,600, rejected 0/);
    expect(stdout).toMatch(/landed\s+21,600 samples in the sink, source holds 21,600: exact match/);
    expect(stdout).toMatch(/→ 30 series/);
  });
});
