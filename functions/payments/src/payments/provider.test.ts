import { describe, expect, it } from "vitest";
import { readPaymentsConfig } from "../config.ts";
import { createTestProvider, DECLINED, NOT_ACCEPTED, TransientProviderError } from "./provider.ts";

const eur = (amountMinor: bigint) => ({ amountMinor, currency: "EUR" });

describe("the test payment provider", () => {
  it("approves tok_visa once per idempotency key", async () => {
    const provider = createTestProvider();
    const first = await provider.charge({ idempotencyKey: "k1", amount: eur(100n), token: "tok_visa" });
    const again = await provider.charge({ idempotencyKey: "k1", amount: eur(100n), token: "tok_visa" });
    expect(first).toMatchObject({ status: "approved", paymentId: expect.stringMatching(/^pay_/) });
    expect(again).toEqual(first);
    expect(provider.charges()).toHaveLength(1);
  });

  it("declines tok_declined and tokens it does not know", async () => {
    const provider = createTestProvider();
    await expect(
      provider.charge({ idempotencyKey: "k2", amount: eur(1n), token: "tok_declined" }),
    ).resolves.toEqual({
      status: "declined",
      reason: DECLINED,
    });
    await expect(
      provider.charge({ idempotencyKey: "k3", amount: eur(1n), token: "tok_what" }),
    ).resolves.toEqual({
      status: "declined",
      reason: NOT_ACCEPTED,
    });
    expect(provider.charges()).toEqual([]);
  });

  it("is unavailable for the first two charges of a tok_unavailable key, then approves", async () => {
    const provider = createTestProvider();
    const charge = () => provider.charge({ idempotencyKey: "k4", amount: eur(5n), token: "tok_unavailable" });
    await expect(charge()).rejects.toBeInstanceOf(TransientProviderError);
    await expect(charge()).rejects.toBeInstanceOf(TransientProviderError);
    await expect(charge()).resolves.toMatchObject({ status: "approved" });
    // Another order starts its own count.
    await expect(
      provider.charge({ idempotencyKey: "k5", amount: eur(5n), token: "tok_unavailable" }),
    ).rejects.toBeInstanceOf(TransientProviderError);
  });

  it("refunds a charge it made, once", async () => {
    const provider = createTestProvider();
    const result = await provider.charge({ idempotencyKey: "k6", amount: eur(100n), token: "tok_visa" });
    if (result.status !== "approved") throw new Error("expected an approval");
    await provider.refund({ paymentId: result.paymentId, amount: eur(100n), idempotencyKey: "r-k6" });
    await provider.refund({ paymentId: result.paymentId, amount: eur(100n), idempotencyKey: "r-k6" });
    expect(provider.charges()).toMatchObject([{ refunded: true }]);
  });
});

describe("the payments config", () => {
  it("uses the test provider unless told otherwise, and refuses one it does not have", () => {
    expect(readPaymentsConfig({})).toEqual({ provider: "test" });
    expect(() => readPaymentsConfig({ PAYMENT_PROVIDER: "stripe" })).toThrow(
      /PAYMENT_PROVIDER must be one of test/,
    );
  });
});
