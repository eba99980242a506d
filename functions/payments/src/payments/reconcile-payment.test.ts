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
import { NOTHING_CHARGED_CANCELLED } from "./messages.ts";
import { type PaymentProvider, TransientProviderError } from "./provider.ts";
import { createTestProvider, DECLINED, type TestProvider } from "./test-provider.ts";

describe("a charge whose answer was lost (tok_timeout: the provider charged, then timed out)", () => {
  let fn: RunningFunction;
  let provider: TestProvider;
  // The provider's status query fails while this is true.
  let statusDown = false;

  beforeAll(async () => {
    provider = createTestProvider({ unavailableAttempts: 100 });
    const flaky: PaymentProvider = {
      ...provider,
      async getCharge(key) {
        if (statusDown) throw new TransientProviderError("the status query timed out");
        return provider.getCharge(key);
      },
    };
    fn = await startForTest(paymentsFunction, { deps: testDeps(flaky) });
  });
  afterAll(() => fn.close());

  it("is recorded as unknown, and the redelivery learns from the provider that it succeeded", async () => {
    const event = stockReserved("u-1", "tok_timeout", 2_500n);
    await expect(fn.receive(event)).rejects.toThrow(/outcome of the charge of order u-1 is unknown/);
    expect(await paymentOf(fn, "u-1")).toMatchObject({ status: "unknown", paymentId: null });
    expect(await eventsFor(fn, "u-1")).toEqual([]);

    await expect(fn.receive(event)).resolves.toBe("handled");

    const [charge] = chargesOf(provider, "u-1");
    expect(chargesOf(provider, "u-1")).toHaveLength(1);
    expect(await eventsFor(fn, "u-1")).toEqual([
      [
        "PaymentSucceeded",
        expect.objectContaining({
          orderId: "u-1",
          paymentId: charge?.paymentId,
          amount: expect.objectContaining({ amountMinor: 2_500n }),
        }),
      ],
    ]);
  });

  it("is resolved by the reconciler's tick when no event comes", async () => {
    await expect(fn.receive(stockReserved("u-2", "tok_timeout"))).rejects.toThrow(/unknown/);
    statusDown = true;
    await fn.tick();
    expect(await paymentOf(fn, "u-2")).toMatchObject({ status: "unknown" });

    statusDown = false;
    await fn.tick();

    expect(await paymentOf(fn, "u-2")).toMatchObject({ status: "succeeded" });
    expect(await eventsFor(fn, "u-2")).toEqual([
      ["PaymentSucceeded", expect.objectContaining({ paymentId: chargesOf(provider, "u-2")[0]?.paymentId })],
    ]);
  });

  it("is refunded, and the customer told, when the order was cancelled meanwhile", async () => {
    await expect(fn.receive(stockReserved("u-3", "tok_timeout", 1_250n))).rejects.toThrow(/unknown/);
    // The cancellation comes while the provider cannot say what became of the charge: it is kept.
    statusDown = true;
    await expect(fn.receive(orderCancelled("u-3"))).rejects.toThrow(/unknown/);
    statusDown = false;
    // A redelivered StockReserved of the cancelled order charges nothing; the tick learns the charge
    // went through after all, and refunds it.
    await expect(fn.receive(stockReserved("u-3", "tok_timeout", 1_250n))).resolves.toBe("handled");
    await fn.tick();

    const [charge] = chargesOf(provider, "u-3");
    expect(chargesOf(provider, "u-3")).toHaveLength(1);
    expect(charge?.refunded).toBe(true);
    expect(await eventsFor(fn, "u-3")).toEqual([
      [
        "PaymentRefunded",
        expect.objectContaining({
          orderId: "u-3",
          paymentId: charge?.paymentId,
          amount: expect.objectContaining({ amountMinor: 1_250n, currency: "EUR" }),
          chargedAfterCancellation: true,
          reason:
            "Order u-3 was cancelled while its payment was still being confirmed; the payment of €12.50 went through after all, so we refunded it in full.",
        }),
      ],
    ]);
    // Redeliveries of the cancellation refund nothing more.
    await expect(fn.receive(orderCancelled("u-3"))).resolves.toBe("handled");
    await fn.tick();
    expect(await typesFor(fn, "u-3")).toEqual(["PaymentRefunded"]);
  });

  it("is refunded by the cancellation itself when the provider can answer then", async () => {
    await expect(fn.receive(stockReserved("u-4", "tok_timeout"))).rejects.toThrow(/unknown/);
    await expect(fn.receive(orderCancelled("u-4"))).resolves.toBe("handled");

    expect(chargesOf(provider, "u-4")).toMatchObject([{ refunded: true }]);
    expect(await eventsFor(fn, "u-4")).toEqual([
      ["PaymentRefunded", expect.objectContaining({ chargedAfterCancellation: true })],
    ]);
  });

  it("ends with nothing charged when the order is cancelled and the provider never took the charge", async () => {
    const event = stockReserved("u-5", "tok_unavailable");
    await expect(fn.receive(event)).rejects.toThrow(/unknown/);
    await expect(fn.receive(orderCancelled("u-5"))).resolves.toBe("handled");
    await expect(fn.receive(event)).resolves.toBe("handled");
    await fn.tick();

    expect(provider.charges().filter((c) => c.idempotencyKey.includes("u-5"))).toEqual([]);
    expect(await paymentOf(fn, "u-5")).toMatchObject({
      status: "failed",
      failureReason: NOTHING_CHARGED_CANCELLED,
    });
    expect(await eventsFor(fn, "u-5")).toEqual([]);
  });

  it("is charged exactly once and answered the same, whatever is retried or redelivered", async () => {
    const first = stockReserved("u-6", "tok_timeout");
    await expect(fn.receive(first)).rejects.toThrow(/unknown/);
    await fn.tick();
    await fn.receive(first);
    await expect(fn.receive(first)).resolves.toBe("duplicate");
    // The saga reconciler's re-asks: new event ids, the same order.
    await fn.receive(stockReserved("u-6", "tok_timeout"));
    await fn.receive(stockReserved("u-6", "tok_timeout"));
    await fn.tick();

    expect(chargesOf(provider, "u-6")).toHaveLength(1);
    const events = await eventsFor(fn, "u-6");
    expect(events.map(([type]) => type)).toEqual(Array(4).fill("PaymentSucceeded"));
    for (const [, message] of events) expect(message).toEqual(events[0]?.[1]);
  });
});

describe("a declined charge whose answer was lost", () => {
  let fn: RunningFunction;

  beforeAll(async () => {
    // The provider setup builds, told by config to lose the answer of every new charge.
    fn = await startForTest(paymentsFunction, { settings: { testTimeoutAfterChargeRate: 1 } });
  });
  afterAll(() => fn.close());

  it("is resolved as declined, by the redelivery or by the tick: PaymentFailed, nothing charged", async () => {
    const provider = fn.deps.provider as TestProvider;
    const event = stockReserved("d-1", "tok_declined");
    await expect(fn.receive(event)).rejects.toThrow(/unknown/);
    await expect(fn.receive(event)).resolves.toBe("handled");
    await expect(fn.receive(stockReserved("d-2", "tok_declined"))).rejects.toThrow(/unknown/);
    await fn.tick();

    expect(provider.charges()).toEqual([]);
    for (const orderId of ["d-1", "d-2"]) {
      expect(await eventsFor(fn, orderId)).toEqual([
        ["PaymentFailed", expect.objectContaining({ orderId, reason: DECLINED })],
      ]);
    }
  });
});
