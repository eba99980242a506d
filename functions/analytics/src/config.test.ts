import { describe, expect, it } from "vitest";
import { readAnalyticsConfig } from "./config.ts";

describe("analytics' config", () => {
  it("gives a replay 10 minutes unless told otherwise", () => {
    expect(readAnalyticsConfig({})).toEqual({ replayTimeoutMs: 600_000 });
    expect(readAnalyticsConfig({ ANALYTICS_REPLAY_TIMEOUT_MS: "30000" })).toEqual({
      replayTimeoutMs: 30_000,
    });
  });

  it("refuses a timeout it cannot use, naming the variable", () => {
    expect(() => readAnalyticsConfig({ ANALYTICS_REPLAY_TIMEOUT_MS: "soon" })).toThrow(
      'ANALYTICS_REPLAY_TIMEOUT_MS must be a positive number of ms, not "soon"',
    );
    expect(() => readAnalyticsConfig({ ANALYTICS_REPLAY_TIMEOUT_MS: "0" })).toThrow(/positive/);
  });
});
