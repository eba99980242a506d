import { describe, expect, it } from "vitest";
import { retryDelay } from "./schedule.ts";

describe("retry delays", () => {
  const schedule = { baseMs: 1000, maxMs: 10_000, horizonMs: 60_000 };
  it("double from the base up to the cap, before jitter", () => {
    const middle = () => 0.5;
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelay(n, schedule, middle))).toEqual([
      1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
  });
  it("spread by at most a fifth either way", () => {
    expect(retryDelay(2, schedule, () => 0)).toBe(1600);
    expect(retryDelay(2, schedule, () => 0.999999)).toBe(2400);
  });
});
