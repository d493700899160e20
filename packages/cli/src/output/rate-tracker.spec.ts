import { RateTracker } from "./rate-tracker";

describe("RateTracker", () => {
  it("is the slope of the counter over the window", () => {
    const rates = new RateTracker(10_000);
    rates.add(0, 0);
    expect(rates.rate()).toBeUndefined();
    rates.add(1000, 500);
    expect(rates.rate()).toBe(500);
    rates.add(2000, 1500);
    expect(rates.rate()).toBe(750);
    rates.add(20_000, 1500);
    // the old points fell out of the window; only the last two remain
    expect(rates.rate()).toBe(0);
  });

  it("starts over when the counter goes back (a restarted import)", () => {
    const rates = new RateTracker();
    rates.add(0, 1000);
    rates.add(1000, 2000);
    rates.add(2000, 10);
    expect(rates.rate()).toBeUndefined();
  });
});
