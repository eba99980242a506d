import { describe, expect, it } from "vitest";
import { readPaymentsConfig } from "./config.ts";

describe("the payments config", () => {
  it("uses the test provider unless told otherwise, and refuses one it does not have", () => {
    expect(readPaymentsConfig({})).toEqual({ provider: "test" });
    expect(() => readPaymentsConfig({ PAYMENT_PROVIDER: "stripe" })).toThrow(
      /PAYMENT_PROVIDER must be one of test/,
    );
  });

  it("reads the test provider's timeout-after-charge rate, between 0 and 1", () => {
    expect(readPaymentsConfig({ PAYMENTS_TEST_PROVIDER_TIMEOUT_AFTER_CHARGE_RATE: "0.2" })).toEqual({
      provider: "test",
      testTimeoutAfterChargeRate: 0.2,
    });
    expect(() => readPaymentsConfig({ PAYMENTS_TEST_PROVIDER_TIMEOUT_AFTER_CHARGE_RATE: "often" })).toThrow(
      /between 0 and 1/,
    );
  });
});
