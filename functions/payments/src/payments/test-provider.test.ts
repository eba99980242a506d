import { describe, expect, it } from "vitest";
import { TransientProviderError } from "./provider.ts";
import { createTestProvider, DECLINED, NOT_ACCEPTED } from "./test-provider.ts";

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

  it("answers the status of a charge by its idempotency key: its result, or not found", async () => {
    const provider = createTestProvider();
    await expect(provider.getCharge("k7")).resolves.toEqual({ status: "not-found" });
    const approved = await provider.charge({ idempotencyKey: "k7", amount: eur(100n), token: "tok_visa" });
    await provider.charge({ idempotencyKey: "k8", amount: eur(100n), token: "tok_declined" });
    await expect(provider.getCharge("k7")).resolves.toEqual(approved);
    await expect(provider.getCharge("k8")).resolves.toEqual({ status: "declined", reason: DECLINED });
    // A charge that failed before charging left nothing behind.
    await expect(
      provider.charge({ idempotencyKey: "k9", amount: eur(1n), token: "tok_unavailable" }),
    ).rejects.toBeInstanceOf(TransientProviderError);
    await expect(provider.getCharge("k9")).resolves.toEqual({ status: "not-found" });
  });

  it("charges tok_timeout but loses the answer; the same key then answers what it did", async () => {
    const provider = createTestProvider();
    const charge = () => provider.charge({ idempotencyKey: "k10", amount: eur(300n), token: "tok_timeout" });
    await expect(charge()).rejects.toThrow(/timed out after charging/);
    expect(provider.charges()).toMatchObject([{ idempotencyKey: "k10", amount: eur(300n) }]);
    const status = await provider.getCharge("k10");
    expect(status).toMatchObject({ status: "approved", paymentId: provider.charges()[0]?.paymentId });
    await expect(charge()).resolves.toEqual(status);
    expect(provider.charges()).toHaveLength(1);
  });

  it("times out after charging at the configured rate, declines included", async () => {
    const always = createTestProvider({ timeoutAfterChargeRate: 1 });
    await expect(
      always.charge({ idempotencyKey: "k11", amount: eur(1n), token: "tok_declined" }),
    ).rejects.toThrow(/timed out after declining/);
    await expect(always.getCharge("k11")).resolves.toEqual({ status: "declined", reason: DECLINED });
    const draws = [0.1, 0.9];
    const half = createTestProvider({ timeoutAfterChargeRate: 0.5, random: () => draws.shift() ?? 1 });
    await expect(
      half.charge({ idempotencyKey: "k12", amount: eur(1n), token: "tok_visa" }),
    ).rejects.toBeInstanceOf(TransientProviderError);
    await expect(
      half.charge({ idempotencyKey: "k13", amount: eur(1n), token: "tok_visa" }),
    ).resolves.toMatchObject({ status: "approved" });
    expect(half.charges()).toHaveLength(2);
  });
});
