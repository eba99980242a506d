import type { RunningFunction } from "@shop/runtime";
import { startForTest } from "@shop/runtime/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { paymentsFunction } from "../function.ts";
import { eventsFor, orderCancelled, stockReserved } from "../test-support.ts";
import { PROVIDER_UNAVAILABLE } from "./charge-payment.ts";
import { createTestProvider, DECLINED, NOT_ACCEPTED, type TestProvider } from "./provider.ts";

describe("charging a reserved order", () => {
  let fn: RunningFunction;
  let provider: TestProvider;
  const chargesOf = (orderId: string) => provider.charges().filter((c) => c.idempotencyKey === orderId);

  beforeAll(async () => {
    provider = createTestProvider();
    fn = await startForTest(paymentsFunction, { deps: { provider } });
  });
  afterAll(() => fn.close());

  it("charges the total once and says the payment succeeded", async () => {
    await expect(fn.receive(stockReserved("o-1", "tok_visa", 4_200n))).resolves.toBe("handled");

    const [charge] = chargesOf("o-1");
    expect(chargesOf("o-1")).toHaveLength(1);
    expect(charge).toMatchObject({ amount: { amountMinor: 4_200n, currency: "EUR" }, token: "tok_visa" });
    expect(await eventsFor(fn, "o-1")).toEqual([
      [
        "PaymentSucceeded",
        expect.objectContaining({
          orderId: "o-1",
          customerId: "customer-1",
          paymentId: charge?.paymentId,
          amount: expect.objectContaining({ amountMinor: 4_200n, currency: "EUR" }),
        }),
      ],
    ]);
  });

  it("says the payment failed, with the provider's reason, when the card is declined", async () => {
    await fn.receive(stockReserved("o-2", "tok_declined"));
    await fn.receive(stockReserved("o-3", "tok_monopoly_money"));

    expect([...chargesOf("o-2"), ...chargesOf("o-3")]).toEqual([]);
    expect(await eventsFor(fn, "o-2")).toEqual([
      [
        "PaymentFailed",
        expect.objectContaining({ orderId: "o-2", customerId: "customer-1", reason: DECLINED }),
      ],
    ]);
    expect(await eventsFor(fn, "o-3")).toEqual([
      ["PaymentFailed", expect.objectContaining({ reason: NOT_ACCEPTED })],
    ]);
  });

  it("confirms a free order without charging", async () => {
    await fn.receive(stockReserved("o-4", "tok_declined", 0n));

    expect(chargesOf("o-4")).toEqual([]);
    expect(await eventsFor(fn, "o-4")).toEqual([
      [
        "PaymentSucceeded",
        expect.objectContaining({ paymentId: "", amount: expect.objectContaining({ amountMinor: 0n }) }),
      ],
    ]);
  });

  it("asks for redelivery while the provider is unavailable, then charges exactly once", async () => {
    const event = stockReserved("o-5", "tok_unavailable");
    await expect(fn.receive(event)).rejects.toThrow(/unavailable/);
    await expect(fn.receive(event)).rejects.toThrow(/unavailable/);
    await expect(fn.receive(event)).resolves.toBe("handled");

    expect(chargesOf("o-5")).toHaveLength(1);
    expect((await eventsFor(fn, "o-5")).map(([type]) => type)).toEqual(["PaymentSucceeded"]);
  });

  it("charges nothing more when StockReserved is delivered again after a success", async () => {
    const event = stockReserved("o-6", "tok_visa");
    await fn.receive(event);
    await expect(fn.receive(event)).resolves.toBe("duplicate");
    // Inventory publishing it again under a new event id is no new payment either.
    await expect(fn.receive(stockReserved("o-6", "tok_visa"))).resolves.toBe("handled");

    expect(chargesOf("o-6")).toHaveLength(1);
    expect((await eventsFor(fn, "o-6")).map(([type]) => type)).toEqual(["PaymentSucceeded"]);
  });

  it("refunds a succeeded payment when the order is cancelled, once", async () => {
    await fn.receive(stockReserved("o-7", "tok_visa", 1_999n));
    const cancelled = orderCancelled("o-7");
    await fn.receive(cancelled);
    await expect(fn.receive(cancelled)).resolves.toBe("duplicate");
    await fn.receive(orderCancelled("o-7"));

    const [charge] = chargesOf("o-7");
    expect(charge?.refunded).toBe(true);
    expect(await eventsFor(fn, "o-7")).toEqual([
      ["PaymentSucceeded", expect.anything()],
      [
        "PaymentRefunded",
        expect.objectContaining({
          orderId: "o-7",
          customerId: "customer-1",
          paymentId: charge?.paymentId,
          amount: expect.objectContaining({ amountMinor: 1_999n, currency: "EUR" }),
        }),
      ],
    ]);
  });

  it("charges nothing for an order cancelled before its stock was reserved", async () => {
    await fn.receive(orderCancelled("o-8"));
    await expect(fn.receive(stockReserved("o-8", "tok_visa"))).resolves.toBe("handled");

    expect(chargesOf("o-8")).toEqual([]);
    expect(await eventsFor(fn, "o-8")).toEqual([]);
  });

  it("refunds nothing when a cancelled order's payment had failed", async () => {
    await fn.receive(stockReserved("o-9", "tok_declined"));
    await fn.receive(orderCancelled("o-9"));
    expect((await eventsFor(fn, "o-9")).map(([type]) => type)).toEqual(["PaymentFailed"]);
  });
});

describe("a payment provider that stays unavailable", () => {
  let fn: RunningFunction;
  let provider: TestProvider;

  beforeAll(async () => {
    // tok_unavailable normally recovers after 2 failures; here it never does.
    provider = createTestProvider({ unavailableAttempts: 100 });
    fn = await startForTest(paymentsFunction, { deps: { provider } });
  });
  afterAll(() => fn.close());

  it("fails the payment on the 5th attempt so the order still ends, having charged nothing", async () => {
    const event = stockReserved("o-10", "tok_unavailable");
    for (let attempt = 1; attempt <= 4; attempt++) {
      await expect(fn.receive(event)).rejects.toThrow(`attempt ${attempt} `);
    }
    await expect(fn.receive(event)).resolves.toBe("handled");
    // A delivery after the give-up (the broker retried once more) changes nothing.
    await expect(fn.receive(event)).resolves.toBe("duplicate");

    expect(provider.charges()).toEqual([]);
    expect(await eventsFor(fn, "o-10")).toEqual([
      ["PaymentFailed", expect.objectContaining({ orderId: "o-10", reason: PROVIDER_UNAVAILABLE })],
    ]);
  });
});
