import { describe, expect, it } from "vitest";
import { readRedriveConfig } from "../config.ts";
import { delayAfter, firstRedrive, nextRedrive } from "./schedule.ts";

const schedule = readRedriveConfig({});
const MINUTE = 60_000;

describe("the redrive schedule", () => {
  it("waits 10 s, 30 s, 1, 2, 5, 10, 30 min, then an hour each time", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 20].map((n) => delayAfter(n, schedule) / 1000)).toEqual([
      10, 30, 60, 120, 300, 600, 1800, 3600, 3600, 3600,
    ]);
  });

  it("redrives a letter that keeps failing for 6 hours, then gives up", () => {
    const received = new Date("2026-12-01T10:00:00Z");
    const { nextAttemptAt, giveUpAt } = firstRedrive(received, schedule);
    expect(giveUpAt.toISOString()).toBe("2026-12-01T16:00:00.000Z");
    // Each redrive fails the moment it is tried: when are they, and when does it stop?
    const tried: number[] = [];
    let next: Date | undefined = nextAttemptAt;
    while (next) {
      tried.push((next.getTime() - received.getTime()) / MINUTE);
      next = nextRedrive(next, tried.length, giveUpAt, schedule);
    }
    // Minutes after arrival: 10 s, 40 s, 1m40, 3m40, 8m40, 18m40, 48m40, then hourly up to 5h48m40.
    expect(tried.map((m) => Math.round(m * 60) / 60)).toEqual([
      1 / 6,
      2 / 3,
      5 / 3,
      11 / 3,
      26 / 3,
      56 / 3,
      146 / 3,
      326 / 3,
      506 / 3,
      686 / 3,
      866 / 3,
      1046 / 3,
    ]);
    expect(tried.at(-1)! * MINUTE).toBeLessThan(6 * 60 * MINUTE);
  });

  it("takes another horizon and other delays from the config", () => {
    const short = readRedriveConfig({ REDRIVE_DELAYS_MS: "100,200", REDRIVE_HORIZON_MS: "500" });
    const at = new Date(0);
    const { nextAttemptAt, giveUpAt } = firstRedrive(at, short);
    expect([nextAttemptAt.getTime(), giveUpAt.getTime()]).toEqual([100, 500]);
    expect(nextRedrive(new Date(100), 1, giveUpAt, short)?.getTime()).toBe(300);
    expect(nextRedrive(new Date(300), 2, giveUpAt, short)?.getTime()).toBe(500);
    expect(nextRedrive(new Date(500), 3, giveUpAt, short)).toBeUndefined();
  });
});
