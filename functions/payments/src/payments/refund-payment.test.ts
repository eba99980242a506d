import type { RunningFunction } from "@shop/runtime";
import { startForTest } from "@shop/runtime/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { paymentsFunction } from "../function.ts";
import {
  chargesOf,
  eventsFor,
  orderCancelled,
  paymentOf,
  stockReserved,
  testDeps,
  typesFor,
} from "../test-support.ts";
import { type PaymentProvider, TransientProviderError } from "./provider.ts";
import { createTestProvider, type TestProvider } from "./test-provider.ts";

describe("refunding a cancelled order", () => {
  let fn: RunningFunction;
  let provider: TestProvider;
  // The provider's refunds fail while this is true (an outage), and work again after.
  let refundsDown = false;

  beforeAll(async () => {
    provider = createTestProvider();
    const flaky: PaymentProvider = {
      ...provider,
      async refund(request) {
        if (refundsDown) throw new TransientProviderError("the refund timed out");
        return provider.refund(request);
      },
    };
    fn = await startForTest(paymentsFunction, { deps: testDeps(flaky) });
  });
  afterAll(() => fn.close());

  it("refunds a succeeded payment when the order is cancelled, once", async () => {
    await fn.receive(stockReserved("o-7", "tok_visa", 1_999n));
    const cancelled = orderCancelled("o-7");
    await fn.receive(cancelled);
    await expect(fn.receive(cancelled)).resolves.toBe("duplicate");
    await fn.receive(orderCancelled("o-7"));

    const [charge] = chargesOf(provider, "o-7");
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
          // What the customer is told.
          reason: "Order o-7 was cancelled, so we refunded the €19.99 charged for it in full.",
          chargedAfterCancellation: false,
        }),
      ],
    ]);
  });

  it("charges nothing for an order cancelled before its stock was reserved", async () => {
    await fn.receive(orderCancelled("o-8"));
    await expect(fn.receive(stockReserved("o-8", "tok_visa"))).resolves.toBe("handled");

    expect(chargesOf(provider, "o-8")).toEqual([]);
    expect(await eventsFor(fn, "o-8")).toEqual([]);
  });

  it("refunds nothing when a cancelled order's payment had failed", async () => {
    await fn.receive(stockReserved("o-9", "tok_declined"));
    await fn.receive(orderCancelled("o-9"));
    expect(await typesFor(fn, "o-9")).toEqual(["PaymentFailed"]);
  });

  it("answers nothing to a re-ask of a cancelled order", async () => {
    await fn.receive(stockReserved("o-12", "tok_visa"));
    await fn.receive(orderCancelled("o-12"));
    await expect(fn.receive(stockReserved("o-12", "tok_visa"))).resolves.toBe("handled");

    expect(chargesOf(provider, "o-12")).toHaveLength(1);
    expect(await typesFor(fn, "o-12")).toEqual(["PaymentSucceeded", "PaymentRefunded"]);
  });

  it("keeps a refund the provider did not confirm, and the reconciler finishes it", async () => {
    await fn.receive(stockReserved("o-13", "tok_visa", 500n));
    refundsDown = true;
    await expect(fn.receive(orderCancelled("o-13"))).rejects.toThrow(/refund of order o-13/);
    // The cancellation is kept, so a late StockReserved charges nothing, and the refund is owed.
    expect(await paymentOf(fn, "o-13")).toMatchObject({ status: "refunding" });
    await fn.receive(stockReserved("o-13", "tok_visa", 500n));
    await fn.tick();
    expect(await paymentOf(fn, "o-13")).toMatchObject({ status: "refunding" });

    refundsDown = false;
    await fn.tick();

    expect(chargesOf(provider, "o-13")).toMatchObject([{ refunded: true }]);
    expect(await paymentOf(fn, "o-13")).toMatchObject({ status: "refunded" });
    expect(await typesFor(fn, "o-13")).toEqual(["PaymentSucceeded", "PaymentRefunded"]);
  });
});
