import { EtaEstimator } from "./eta-estimator";

const MIN = 60_000;
const HOUR = 60 * MIN;

describe("EtaEstimator", () => {
  const options = { windowMs: 30_000, minSpanMs: 5_000 };

  it("is unknown in the first seconds, then remaining range / checkpoint speed", () => {
    // 10 h of data from 0; the checkpoint advances 20 min of data every 2 s (10 min/s).
    const eta = new EtaEstimator(10 * HOUR, options);
    eta.observe(1000, 0);
    expect(eta.etaSeconds(1000)).toBeUndefined();
    eta.observe(3000, 20 * MIN);
    expect(eta.etaSeconds(3000)).toBeUndefined();
    for (let s = 2; s <= 10; s++) eta.observe(1000 + s * 2000, s * 20 * MIN);
    // At 21 s: 200 min done in 20 s, 400 min left → 40 s.
    expect(eta.etaSeconds(21_000)).toBeCloseTo(40);
  });

  it("measures over the recent window only, so a change of pace shows within it", () => {
    const eta = new EtaEstimator(100 * HOUR, options);
    // A minute at 1 h of data per second, then 1 h of data per 10 s.
    for (let s = 0; s <= 60; s++) eta.observe(s * 1000, s * HOUR);
    let cp = 60 * HOUR;
    for (let s = 70; s <= 100; s += 10) {
      cp += HOUR;
      eta.observe(s * 1000, cp);
    }
    // Over 70..100 s the checkpoint moved 3 h; 100 - 64 = 36 h left at 0.1 h/s.
    expect(cp).toBe(64 * HOUR);
    expect(eta.etaSeconds(100_000)).toBeCloseTo(360);
  });

  it("counts a stall against the speed, and is unknown once nothing moved within the window", () => {
    const eta = new EtaEstimator(10 * HOUR, options);
    for (let s = 0; s <= 30; s++) eta.observe(s * 1000, s * 6 * MIN); // 0.1 h/s, 3 h by 30 s
    expect(eta.etaSeconds(30_000)).toBeCloseTo(70);
    // 15 s without progress (e.g. sink outage): half the window moved, so half the speed.
    expect(eta.etaSeconds(45_000)).toBeCloseTo(140);
    expect(eta.etaSeconds(60_000)).toBeUndefined();
    expect(eta.etaSeconds(600_000)).toBeUndefined();
    // Moving again: known again once the window holds the new progress.
    eta.observe(601_000, 4 * HOUR);
    expect(eta.etaSeconds(601_000)).toBeCloseTo(6 * 30);
  });

  it("says 0 once the checkpoint reached the end, and starts over if the checkpoint goes back", () => {
    const eta = new EtaEstimator(HOUR, options);
    eta.observe(0, 0);
    eta.observe(10_000, HOUR + 1);
    expect(eta.etaSeconds(10_000)).toBe(0);
    eta.observe(11_000, 30 * MIN); // resumed from an older checkpoint
    expect(eta.etaSeconds(12_000)).toBeUndefined();
    eta.observe(20_000, 45 * MIN);
    expect(eta.etaSeconds(20_000)).toBeCloseTo(9);
  });

  it("is unknown when the checkpoint never moves (paused)", () => {
    const eta = new EtaEstimator(HOUR, options);
    for (let s = 0; s < 100; s++) eta.observe(s * 1000, 0);
    expect(eta.etaSeconds(100_000)).toBeUndefined();
  });
});
