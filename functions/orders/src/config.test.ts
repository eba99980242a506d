import { describe, expect, it } from "vitest";
import { readOrdersConfig } from "./config.ts";

describe("the config of orders", () => {
  it("asks again after 2 minutes and gives up after 10 unless told otherwise", () => {
    expect(readOrdersConfig({})).toMatchObject({
      sagaDeadlineMs: 120_000,
      sagaGiveUpMs: 600_000,
      reconcileBatch: 100,
      reaskPerRun: 100,
    });
    expect(
      readOrdersConfig({ ORDERS_SAGA_DEADLINE_MS: "30000", ORDERS_SAGA_GIVE_UP_MS: "90000" }),
    ).toMatchObject({ sagaDeadlineMs: 30_000, sagaGiveUpMs: 90_000 });
  });

  it("refuses a final deadline that does not come after the first", () => {
    expect(() =>
      readOrdersConfig({ ORDERS_SAGA_DEADLINE_MS: "60000", ORDERS_SAGA_GIVE_UP_MS: "60000" }),
    ).toThrow("ORDERS_SAGA_GIVE_UP_MS (60000) must be longer than ORDERS_SAGA_DEADLINE_MS (60000)");
  });
});
