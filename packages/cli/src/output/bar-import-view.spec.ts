import { ImportState } from "@ferry/api";
import { CapturedStream, NOW_MS } from "../testing/cli-harness";
import { importFixture } from "../testing/fixtures";
import { BarImportView } from "./bar-import-view";

describe("BarImportView", () => {
  const redraw = () => new Promise((resolve) => setTimeout(resolve, 150));

  it("draws a bar per running import and prints the report when it ends", async () => {
    const out = new CapturedStream(true);
    const view = new BarImportView(out, () => NOW_MS, { reportAlreadyFinished: false });
    view.update(importFixture());
    view.update(importFixture({ id: "imp-2", target: "second", percent: 5 }));
    await redraw();
    view.update(importFixture({ state: ImportState.COMPLETED, percent: 100 }));
    view.update(
      importFixture({ id: "imp-2", target: "second", state: ImportState.FAILED, message: "sink said 400" }),
    );
    view.close();
    view.close();

    const text = out.plain();
    expect(text).toContain(
      "prod/prometheus [████████████░░░░░░░░░░░░░░░░░░]  40% | 999k written | - | Running",
    );
    expect(text).toContain(
      "prod/second     [██░░░░░░░░░░░░░░░░░░░░░░░░░░░░]   5% | 999k written | - | Running",
    );
    expect(text).toContain("prod/prometheus: Completed after 1m00s");
    expect(text).toContain("prod/second: Failed after 1m00s");
    expect(text).toContain("message    sink said 400");
    // the surviving bar is drawn again below the first report
    expect(text.indexOf("prod/prometheus: Completed")).toBeLessThan(text.lastIndexOf("prod/second     ["));
  });

  it("shows the ETA on the bar once the server knows it", async () => {
    const out = new CapturedStream(true);
    const view = new BarImportView(out, () => NOW_MS, { reportAlreadyFinished: false });
    view.update(importFixture({ rate: 48_912, etaSeconds: 192 }));
    await redraw();
    view.close();
    expect(out.plain()).toContain(
      "prod/prometheus [████████████░░░░░░░░░░░░░░░░░░]  40% | 999k written | 48.9k/s | ETA 3m12s | Running",
    );
  });

  it("stops its redraw timer on close, so the process can exit", () => {
    const out = new CapturedStream(true);
    const view = new BarImportView(out, () => NOW_MS, { reportAlreadyFinished: false });
    view.update(importFixture());
    view.close();
    const length = out.text.length;
    return new Promise<void>((resolve) =>
      setTimeout(() => {
        expect(out.text.length).toBe(length);
        resolve();
      }, 250),
    );
  });
});
