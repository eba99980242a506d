import type { DescMessage, MessageInitShape } from "@bufbuild/protobuf";
import { StockRejectedSchema, StockReservedSchema } from "@shop/schemas/inventory/v1/events";
import {
  CancellationCause,
  OrderCancelledSchema,
  OrderConfirmedSchema,
  OrderPlacedSchema,
} from "@shop/schemas/orders/v1/events";
import { OrderStatus } from "@shop/schemas/orders/v1/orders";
import { PaymentFailedSchema, PaymentSucceededSchema } from "@shop/schemas/payments/v1/events";
import { OrderPricedSchema, OrderPricingRejectedSchema } from "@shop/schemas/promotions/v1/events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientAs, emitted, eventOf, putProduct, type RunningOrders, startOrders } from "../test-support.ts";

const customer = { userId: "erin", role: "customer" } as const;
const eur = (amountMinor: bigint) => ({ amountMinor, currency: "EUR" });

describe("the purchase saga in orders", { timeout: 30_000 }, () => {
  let fn: RunningOrders;
  let keys = 0;
  beforeAll(async () => {
    fn = await startOrders();
    await putProduct(fn, "p-1", { priceMinor: 2000n });
    // PGlite starts in seconds, more on a loaded machine.
  }, 60_000);
  afterAll(() => fn.close());

  /** Places a 2 × 20.00 EUR order and returns its id. */
  async function place(): Promise<string> {
    const client = await clientAs(fn, customer);
    const { order } = await client.placeOrder({
      lines: [{ productId: "p-1", quantity: 2 }],
      idempotencyKey: `saga-${++keys}`,
      paymentToken: "tok_visa",
    });
    return order?.id ?? "";
  }

  function deliver<Desc extends DescMessage>(schema: Desc, orderId: string, init: MessageInitShape<Desc>) {
    return fn.receive(
      eventOf(schema, { orderId, customerId: "erin", ...init } as MessageInitShape<Desc>, orderId),
    );
  }

  async function orderOf(id: string) {
    const { order } = await (await clientAs(fn, customer)).getOrder({ id });
    return order;
  }

  const priced = (id: string) =>
    deliver(OrderPricedSchema, id, {
      subtotal: eur(4000n),
      discount: eur(500n),
      total: eur(3500n),
      promotions: ["Spring sale"],
    });
  const reserved = (id: string) =>
    deliver(StockReservedSchema, id, { lines: [{ productId: "p-1", quantity: 2 }], total: eur(3500n) });
  const paid = (id: string) =>
    deliver(PaymentSucceededSchema, id, { paymentId: "pay-1", amount: eur(3500n) });

  it("takes an order from PENDING through PRICED and RESERVED to CONFIRMED, and emits OrderConfirmed", async () => {
    const id = await place();
    expect(await orderOf(id)).toMatchObject({
      status: OrderStatus.PENDING,
      discount: eur(0n),
      total: eur(4000n),
    });

    await expect(priced(id)).resolves.toBe("handled");
    expect(await orderOf(id)).toMatchObject({
      status: OrderStatus.PRICED,
      subtotal: eur(4000n),
      discount: eur(500n),
      total: eur(3500n),
      promotions: ["Spring sale"],
    });
    await reserved(id);
    expect((await orderOf(id))?.status).toBe(OrderStatus.RESERVED);
    await paid(id);
    expect(await orderOf(id)).toMatchObject({
      status: OrderStatus.CONFIRMED,
      total: eur(3500n),
      cancelReason: "",
    });

    const events = await emitted(fn, id);
    expect(events.map((e) => e.type)).toEqual([OrderPlacedSchema.typeName, OrderConfirmedSchema.typeName]);
    expect(events[1]?.message).toMatchObject({ orderId: id, customerId: "erin", total: eur(3500n) });
  });

  it.each([
    {
      step: "promotions rejects the coupon",
      before: [] as ((id: string) => Promise<unknown>)[],
      reject: (id: string) =>
        deliver(OrderPricingRejectedSchema, id, { reason: "Coupon SPRING10 has expired." }),
      reason: "Coupon SPRING10 has expired.",
      cause: CancellationCause.PRICING_REJECTED,
    },
    {
      step: "inventory is out of stock",
      before: [priced],
      reject: (id: string) =>
        deliver(StockRejectedSchema, id, { reason: "Product p-1 is out of stock.", productIds: ["p-1"] }),
      reason: "Product p-1 is out of stock.",
      cause: CancellationCause.OUT_OF_STOCK,
    },
    {
      step: "the payment is declined",
      before: [priced, reserved],
      reject: (id: string) => deliver(PaymentFailedSchema, id, { reason: "Your card was declined." }),
      reason: "Your card was declined.",
      cause: CancellationCause.PAYMENT_FAILED,
    },
  ])(
    "cancels the order with the reason when $step, and emits OrderCancelled",
    async ({ before, reject, reason, cause }) => {
      const id = await place();
      for (const step of before) await step(id);
      await reject(id);
      expect(await orderOf(id)).toMatchObject({ status: OrderStatus.CANCELLED, cancelReason: reason });
      const events = await emitted(fn, id);
      expect(events.map((e) => e.type)).toEqual([OrderPlacedSchema.typeName, OrderCancelledSchema.typeName]);
      expect(events[1]?.message).toMatchObject({ orderId: id, customerId: "erin", cause, reason });
    },
  );

  it("lets a late event change nothing once the order is final", async () => {
    const confirmed = await place();
    await priced(confirmed);
    await reserved(confirmed);
    await paid(confirmed);
    const cancelled = await place();
    await deliver(OrderPricingRejectedSchema, cancelled, { reason: "Unknown coupon." });
    const before = [await orderOf(confirmed), await orderOf(cancelled)];
    const eventsBefore = (await emitted(fn)).length;

    for (const id of [confirmed, cancelled]) {
      await expect(deliver(PaymentFailedSchema, id, { reason: "late" })).resolves.toBe("handled");
      await deliver(StockRejectedSchema, id, { reason: "late" });
      await deliver(OrderPricedSchema, id, { discount: eur(4000n), total: eur(0n), promotions: ["late"] });
      await reserved(id);
      await paid(id);
    }
    expect([await orderOf(confirmed), await orderOf(cancelled)]).toEqual(before);
    expect(await emitted(fn)).toHaveLength(eventsBefore);
  });

  it("never moves an order back, and keeps the pricing when stock is reserved before it is priced", async () => {
    const id = await place();
    // StockReserved and OrderPriced come through different triggers, so they may arrive in either order.
    await reserved(id);
    expect(await orderOf(id)).toMatchObject({
      status: OrderStatus.RESERVED,
      discount: eur(500n),
      total: eur(3500n),
    });
    await priced(id);
    expect(await orderOf(id)).toMatchObject({ status: OrderStatus.RESERVED, promotions: ["Spring sale"] });
    await paid(id);
    const events = await emitted(fn, id);
    expect(events.at(-1)?.message).toMatchObject({ total: eur(3500n) });
  });

  it("answers a redelivered event 'duplicate' and changes nothing, for a known order and an unknown one", async () => {
    const id = await place();
    const event = eventOf(
      OrderPricedSchema,
      { orderId: id, customerId: "erin", subtotal: eur(4000n), discount: eur(500n), total: eur(3500n) },
      id,
    );
    await expect(fn.receive(event)).resolves.toBe("handled");
    const order = await orderOf(id);
    const { events: history } = await (await clientAs(fn, customer)).getOrderHistory({ orderId: id });
    // Its history row is its processed-event record: the redelivery finds it.
    await expect(fn.receive(event)).resolves.toBe("duplicate");
    expect(await orderOf(id)).toEqual(order);
    expect((await (await clientAs(fn, customer)).getOrderHistory({ orderId: id })).events).toEqual(history);

    // No order, so no history row: a processed-event row records it instead.
    const stray = eventOf(
      PaymentSucceededSchema,
      { orderId: "never-placed", customerId: "erin" },
      "never-placed",
    );
    await expect(fn.receive(stray)).resolves.toBe("handled");
    await expect(fn.receive(stray)).resolves.toBe("duplicate");
  });

  it("ignores an event for an order it does not know, without asking for redelivery", async () => {
    const eventsBefore = (await emitted(fn)).length;
    await expect(paid("no-such-order")).resolves.toBe("handled");
    await expect(deliver(StockRejectedSchema, "no-such-order", { reason: "x" })).resolves.toBe("handled");
    expect(await emitted(fn)).toHaveLength(eventsBefore);
  });

  it("prices new orders from the newest product version, whatever order the catalog's events arrive in", async () => {
    const client = await clientAs(fn, customer);
    await putProduct(fn, "p-v", { priceMinor: 300n, version: 2n });
    await putProduct(fn, "p-v", { priceMinor: 100n, version: 1n });
    const { order } = await client.placeOrder({
      lines: [{ productId: "p-v", quantity: 1 }],
      idempotencyKey: "v-1",
    });
    expect(order?.subtotal).toEqual(expect.objectContaining(eur(300n)));

    await putProduct(fn, "p-v", { priceMinor: 300n, version: 3n, active: false });
    await expect(
      client.placeOrder({ lines: [{ productId: "p-v", quantity: 1 }], idempotencyKey: "v-2" }),
    ).rejects.toThrow(/Product p-v is not for sale/);
  });
});
