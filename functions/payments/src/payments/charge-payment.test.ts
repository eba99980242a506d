import type { RunningFunction } from "@shop/runtime";
import { startForTest } from "@shop/runtime/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { paymentsFunction } from "../function.ts";
import { chargesOf, eventsFor, paymentOf, stockReserved, testDeps, typesFor } from "../test-support.ts";
import { createTestProvider, DECLINED, NOT_ACCEPTED, type TestProvider } from "./test-provider.ts";

describe("charging a reserved order", () => {
  let fn: RunningFunction;
  let provider: TestProvider;

  beforeAll(async () => {
    provider = createTestProvider();
    fn = await startForTest(paymentsFunction, { deps: testDeps(provider) });
  });
  afterAll(() => fn.close());

  it("charges the total once and says the payment succeeded", async () => {
    await expect(fn.receive(stockReserved("o-1", "tok_visa", 4_200n))).resolves.toBe("handled");

    const [charge] = chargesOf(provider, "o-1");
    expect(chargesOf(provider, "o-1")).toHaveLength(1);
    expect(charge).toMatchObject({
      amount: { amountMinor: 4_200n, currency: "EUR" },
      token: "tok_visa",
      // The idempotency key comes from the order, as a real provider's Idempotency-Key.
      idempotencyKey: "order:o-1:charge",
    });
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

    expect([...chargesOf(provider, "o-2"), ...chargesOf(provider, "o-3")]).toEqual([]);
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

    expect(chargesOf(provider, "o-4")).toEqual([]);
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
    // Meanwhile the charge is unknown, never "nothing was charged"; the redelivery asks the provider,
    // which never took it, so it is sent again with the same key.
    expect(await paymentOf(fn, "o-5")).toMatchObject({ status: "unknown", chargeKey: "order:o-5:charge" });
    await expect(fn.receive(event)).rejects.toThrow(/unavailable/);
    await expect(fn.receive(event)).resolves.toBe("handled");

    expect(chargesOf(provider, "o-5")).toHaveLength(1);
    expect(await typesFor(fn, "o-5")).toEqual(["PaymentSucceeded"]);
  });

  it("charges nothing more when StockReserved is delivered again after a success", async () => {
    const event = stockReserved("o-6", "tok_visa");
    await fn.receive(event);
    await expect(fn.receive(event)).resolves.toBe("duplicate");
    // Inventory publishing it again under a new event id (the saga reconciler's re-ask) is no new
    // payment either: the same PaymentSucceeded again, so the saga can move on.
    await expect(fn.receive(stockReserved("o-6", "tok_visa"))).resolves.toBe("handled");

    expect(chargesOf(provider, "o-6")).toHaveLength(1);
    const events = await eventsFor(fn, "o-6");
    expect(events.map(([type]) => type)).toEqual(["PaymentSucceeded", "PaymentSucceeded"]);
    expect(events[1]?.[1]).toEqual(events[0]?.[1]);
  });

  it("answers a re-ask of a declined order with the same PaymentFailed, charging nothing", async () => {
    await fn.receive(stockReserved("o-11", "tok_declined"));
    await expect(fn.receive(stockReserved("o-11", "tok_visa"))).resolves.toBe("handled");

    expect(chargesOf(provider, "o-11")).toEqual([]);
    expect(await eventsFor(fn, "o-11")).toEqual([
      ["PaymentFailed", expect.objectContaining({ reason: DECLINED })],
      ["PaymentFailed", expect.objectContaining({ reason: DECLINED })],
    ]);
  });
});

describe("a payment provider that stays unavailable", () => {
  let fn: RunningFunction;
  let provider: TestProvider;

  beforeAll(async () => {
    // tok_unavailable normally recovers after 2 failures; here it never does.
    provider = createTestProvider({ unavailableAttempts: 100 });
    fn = await startForTest(paymentsFunction, { deps: testDeps(provider) });
  });
  afterAll(() => fn.close());

  it("keeps the charge unknown, asking for redelivery, and never gives up on its own", async () => {
    const event = stockReserved("o-10", "tok_unavailable");
    for (let attempt = 1; attempt <= 6; attempt++) {
      await expect(fn.receive(event)).rejects.toThrow(/unavailable/);
    }
    // The reconciler asks too: the provider has no such charge, but only a StockReserved carries the
    // payment token, so the charge waits, unknown, for the next one (or for the order's cancellation).
    await fn.tick();

    expect(provider.charges()).toEqual([]);
    expect(await paymentOf(fn, "o-10")).toMatchObject({ status: "unknown" });
    expect(await eventsFor(fn, "o-10")).toEqual([]);
  });
});
