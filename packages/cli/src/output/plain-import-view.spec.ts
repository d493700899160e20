import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { ImportState } from "@ferry/api";
import { CapturedStream, NOW_MS } from "../testing/cli-harness";
import { importFixture } from "../testing/fixtures";
import { PlainImportView } from "./plain-import-view";

describe("PlainImportView", () => {
  it("prints at most one line per second per import, plus every state change and the report", () => {
    const out = new CapturedStream();
    let now = NOW_MS;
    const view = new PlainImportView(out, () => now, { reportAlreadyFinished: false });
    const at = (ms: number, written: bigint, state = ImportState.RUNNING, percent = 10) =>
      importFixture({
        state,
        percent,
        updatedAt: timestampFromMs(ms),
        counters: { samplesRead: written, samplesWritten: written },
      });

    view.update(at(now, 0n, ImportState.PENDING, 0));
    now += 100;
    view.update(at(now, 0n));
    now += 200;
    view.update(at(now, 1000n));
    now += 1000;
    view.update(at(now, 3000n, ImportState.RUNNING, 50));
    now += 100;
    view.update(importFixture({ id: "imp-2", target: "other", state: ImportState.COMPLETED, percent: 100 }));
    view.update(at(now, 4000n, ImportState.COMPLETED, 100));
    view.update(at(now, 4000n, ImportState.COMPLETED, 100));
    view.close();

    const lines = out.text.split("\n");
    expect(lines[0]).toBe("2026-11-23T12:00:00Z  prod/prometheus  Pending  0.0%  written 0  rejected 0  -");
    expect(lines[1]).toBe(
      "2026-11-23T12:00:00.100Z  prod/prometheus  Running  10.0%  written 0  rejected 0  0/s",
    );
    expect(lines[2]).toBe(
      "2026-11-23T12:00:01.300Z  prod/prometheus  Running  50.0%  written 3.00k  rejected 0  2.31k/s",
    );
    expect(lines[3]).toBe("2026-11-23T12:00:01.400Z  prod/other  Completed  100.0%");
    expect(lines[4]).toBe("prod/prometheus: Completed after 1m01s");
    expect(out.text.match(/Completed after/g)).toHaveLength(1);
  });

  it("shows the ETA once the server knows it, and prefers the agent's rate to its own", () => {
    const out = new CapturedStream();
    let now = NOW_MS;
    const view = new PlainImportView(out, () => now, { reportAlreadyFinished: false });
    const at = (ms: number, written: bigint, init: { rate?: number; etaSeconds?: number } = {}) =>
      importFixture({ updatedAt: timestampFromMs(ms), counters: { samplesWritten: written }, ...init });

    view.update(at(now, 0n));
    now += 2000;
    view.update(at(now, 2000n, { etaSeconds: 192 }));
    now += 2000;
    view.update(at(now, 4000n, { rate: 48_912, etaSeconds: 0.4 }));

    expect(out.text.split("\n").slice(0, 3)).toEqual([
      "2026-11-23T12:00:00Z  prod/prometheus  Running  40.0%  written 0  rejected 0  -",
      "2026-11-23T12:00:02Z  prod/prometheus  Running  40.0%  written 2.00k  rejected 0  1.00k/s  ETA 3m12s",
      "2026-11-23T12:00:04Z  prod/prometheus  Running  40.0%  written 4.00k  rejected 0  48.9k/s  ETA 1s",
    ]);
  });

  it("reports an import that had already ended when asked to (--follow)", () => {
    const out = new CapturedStream();
    const view = new PlainImportView(out, () => NOW_MS, { reportAlreadyFinished: true });
    view.update(importFixture({ state: ImportState.CANCELED, message: "stopped by user" }));
    expect(out.text).toMatch(/^prod\/prometheus: Canceled after/);
    expect(out.text).toContain("message    stopped by user");
  });
});
