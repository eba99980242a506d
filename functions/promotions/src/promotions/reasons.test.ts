import { describe, expect, it } from "vitest";
import { describeRejection, formatMoney } from "./reasons.ts";

describe("the sentences a customer reads", () => {
  it("writes amounts in major units with the currency's decimals", () => {
    expect(formatMoney(5000n, "EUR")).toBe("50.00 EUR");
    expect(formatMoney(5n, "USD")).toBe("0.05 USD");
    expect(formatMoney(123456n, "EUR")).toBe("1234.56 EUR");
    expect(formatMoney(5000n, "JPY")).toBe("5000 JPY");
  });

  it("names the code and what is wrong with it", () => {
    expect(describeRejection("SAVE10", { kind: "expired", endsAt: new Date() })).toBe(
      "The code SAVE10 has expired.",
    );
    expect(describeRejection("WELCOME-1", { kind: "exhausted", singleUse: true })).toBe(
      "The coupon WELCOME-1 has already been used.",
    );
    expect(describeRejection("BIG50", { kind: "below-minimum", minimum: 5000n, currency: "EUR" })).toBe(
      "The code BIG50 needs an order of at least 50.00 EUR.",
    );
    expect(
      describeRejection("SOON", { kind: "not-started", startsAt: new Date("2030-01-02T00:00:00Z") }),
    ).toBe("The code SOON cannot be used before 2030-01-02.");
    expect(describeRejection("ONCE", { kind: "customer-limit", maxPerCustomer: 1 })).toBe(
      "You have already used the code ONCE.",
    );
  });
});
