/**
 * What orders' /metrics shows of the saga after real purchases: the duration of each final order by
 * state, the final orders by state and reason, and the open orders past their final deadline.
 */
import type { DescMessage, MessageInitShape } from "@bufbuild/protobuf";
import { sampleValue, waitFor } from "@shop/runtime/testing";
import { StockRejectedSchema, StockReservedSchema } from "@shop/schemas/inventory/v1/events";
import { PaymentSucceededSchema } from "@shop/schemas/payments/v1/events";
import { OrderPricedSchema } from "@shop/schemas/promotions/v1/events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientAs, eventOf, putProduct, type RunningOrders, startOrders } from "../test-support.ts";

const customer = { userId: "mia", role: "customer" } as const;
const eur = (amountMinor: bigint) => ({ amountMinor, currency: "EUR" });

describe("the saga on orders' /metrics", { timeout: 30_000 }, () => {
  let fn: RunningOrders;
  let keys = 0;
  // Every order is past its final deadline 50 ms after it is placed; no timer runs the reconciler.
  beforeAll(async () => {
    fn = await startOrders({ settings: { sagaDeadlineMs: 20, sagaGiveUpMs: 50 } });
    await putProduct(fn, "p-1", { priceMinor: 2000n });
  }, 60_000);
  afterAll(() => fn.close());

  const scrape = () => fn.metrics.registry.metrics();
  async function place(): Promise<string> {
    const { order } = await (await clientAs(fn, customer)).placeOrder({
      lines: [{ productId: "p-1", quantity: 1 }],
      idempotencyKey: `metrics-${++keys}`,
      paymentToken: "tok_visa",
    });
    return order?.id ?? "";
  }
  function deliver<Desc extends DescMessage>(schema: Desc, orderId: string, init: MessageInitShape<Desc>) {
    return fn.receive(
      eventOf(schema, { orderId, customerId: "mia", ...init } as MessageInitShape<Desc>, orderId),
    );
  }

  it("observes a confirmed order's saga once, from placed to confirmed", async () => {
    const id = await place();
    await deliver(OrderPricedSchema, id, { subtotal: eur(2000n), discount: eur(0n), total: eur(2000n) });
    await deliver(StockReservedSchema, id, { lines: [{ productId: "p-1", quantity: 1 }], total: eur(2000n) });
    await deliver(PaymentSucceededSchema, id, { paymentId: "pay-1", amount: eur(2000n) });
    // A redelivered confirmation changes nothing, and counts nothing.
    await deliver(PaymentSucceededSchema, id, { paymentId: "pay-1", amount: eur(2000n) });
    const text = await scrape();
    expect(sampleValue(text, "shop_saga_duration_seconds_count", { state: "confirmed" })).toBe(1);
    expect(sampleValue(text, "shop_saga_duration_seconds_bucket", { state: "confirmed", le: "+Inf" })).toBe(
      1,
    );
    expect(sampleValue(text, "shop_saga_duration_seconds_sum", { state: "confirmed" })).toBeGreaterThan(0);
    expect(sampleValue(text, "shop_orders_final_total", { state: "confirmed", reason: "" })).toBe(1);
    expect(sampleValue(text, "shop_saga_duration_seconds_count", { state: "cancelled" })).toBe(0);
  });

  it("labels a cancelled order with the cause of its cancellation, not the customer's sentence", async () => {
    const id = await place();
    await deliver(StockRejectedSchema, id, { reason: "Product p-1 is out of stock.", productIds: ["p-1"] });
    const text = await scrape();
    expect(sampleValue(text, "shop_orders_final_total", { state: "cancelled", reason: "out_of_stock" })).toBe(
      1,
    );
    expect(sampleValue(text, "shop_saga_duration_seconds_count", { state: "cancelled" })).toBe(1);
  });

  it("counts an open order past its final deadline as overdue until the reconciler cancels it", async () => {
    await place();
    const overdue = async () => sampleValue(await scrape(), "shop_orders_overdue", { function: "orders" });
    await waitFor(async () => (await overdue()) === 1, { message: "one overdue order" });
    await fn.tick();
    const text = await scrape();
    expect(sampleValue(text, "shop_orders_overdue")).toBe(0);
    expect(sampleValue(text, "shop_orders_final_total", { state: "cancelled", reason: "timed_out" })).toBe(1);
    expect(sampleValue(text, "shop_saga_duration_seconds_count", { state: "cancelled" })).toBe(2);
  });
});
