import { describe, expect, it } from "vitest";
import { readWebhooksConfig } from "./config.ts";

describe("webhooks' config", () => {
  it("retries for a day by default, and lets nothing private through", () => {
    expect(readWebhooksConfig({})).toEqual({
      baseMs: 5_000,
      maxMs: 3_600_000,
      horizonMs: 86_400_000,
      timeoutMs: 10_000,
      batch: 20,
      retentionMs: 30 * 86_400_000,
      allowHosts: [],
    });
  });

  it("reads the allow-list and short schedules, and says which variable is wrong", () => {
    const config = readWebhooksConfig({
      WEBHOOKS_ALLOW_HOSTS: " 127.0.0.1:4000, Receiver.Local ",
      WEBHOOKS_RETRY_BASE_MS: "100",
      WEBHOOKS_RETRY_MAX_MS: "200",
    });
    expect(config.allowHosts).toEqual(["127.0.0.1:4000", "receiver.local"]);
    expect(config).toMatchObject({ baseMs: 100, maxMs: 200 });
    expect(() => readWebhooksConfig({ WEBHOOKS_TIMEOUT_MS: "soon" })).toThrow(
      'WEBHOOKS_TIMEOUT_MS must be a positive number, not "soon"',
    );
    expect(() => readWebhooksConfig({ WEBHOOKS_RETRY_MAX_MS: "10" })).toThrow(
      /shorter than WEBHOOKS_RETRY_BASE_MS/,
    );
  });
});
