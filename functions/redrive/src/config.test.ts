import { describe, expect, it } from "vitest";
import { DEFAULT_DELAYS_MS, readRedriveConfig } from "./config.ts";

describe("redrive's config", () => {
  it("redrives for 6 hours, after 10 s, 30 s, 1, 2, 5, 10, 30 min and then hourly, unless told otherwise", () => {
    expect(readRedriveConfig({})).toEqual({
      delaysMs: [10_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000],
      horizonMs: 6 * 3_600_000,
      batch: 20,
      timeoutMs: 10_000,
      retentionMs: 8 * 24 * 3_600_000,
    });
    expect(readRedriveConfig({}).delaysMs).toBe(DEFAULT_DELAYS_MS);
    expect(
      readRedriveConfig({ REDRIVE_DELAYS_MS: "100, 200", REDRIVE_HORIZON_MS: "1000", REDRIVE_BATCH: "5" }),
    ).toMatchObject({ delaysMs: [100, 200], horizonMs: 1000, batch: 5 });
  });

  it("refuses values it cannot use, naming the variable", () => {
    expect(() => readRedriveConfig({ REDRIVE_DELAYS_MS: "10,-1" })).toThrow(/REDRIVE_DELAYS_MS/);
    expect(() => readRedriveConfig({ REDRIVE_HORIZON_MS: "soon" })).toThrow(/REDRIVE_HORIZON_MS/);
    expect(() => readRedriveConfig({ REDRIVE_DELAYS_MS: "5000", REDRIVE_HORIZON_MS: "1000" })).toThrow(
      /shorter than the first delay/,
    );
  });
});
