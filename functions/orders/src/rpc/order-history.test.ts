import type { DescMessage, MessageInitShape } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { testClient } from "@shop/runtime/testing";
import { StockReservedSchema } from "@shop/schemas/inventory/v1/events";
import {
  OrderCancelledSchema,
  OrderConfirmedSchema,
  OrderPlacedSchema,
} from "@shop/schemas/orders/v1/events";
import { OrderEventDirection, OrderService } from "@shop/schemas/orders/v1/orders";
import { PaymentRefundedSchema, PaymentSucceededSchema } from "@shop/schemas/payments/v1/events";
import { OrderPricedSchema } from "@shop/schemas/promotions/v1/events";
import { ShipmentCreatedSchema } from "@shop/schemas/shipping/v1/events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  clientAs,
  emitted,
  eventOf,
  putProduct,
  type RunningOrders,
  refusal,
  startOrders,
} from "../test-support.ts";

const erin = { userId: "erin", role: "customer" } as const;
const mallory = { userId: "mallory", role: "customer" } as const;
const admin = { userId: "root", role: "admin" } as const;
const eur = (amountMinor: bigint) => ({ amountMinor, currency: "EUR" });

describe("GetOrderHistory", { timeout: 30_000 }, () => {
  let fn: RunningOrders;
  let keys = 0;
  beforeAll(async () => {
    fn = await startOrders();
    await putProduct(fn, "p-1", { priceMinor: 2000n });
  }, 60_000);
  afterAll(() => fn.close());

  async function place(): Promise<string> {
    const { order } = await (await clientAs(fn, erin)).placeOrder({
      lines: [{ productId: "p-1", quantity: 2 }],
      idempotencyKey: `history-${++keys}`,
      paymentToken: "tok_visa",
    });
    return order?.id ?? "";
  }

  function eventFor<Desc extends DescMessage>(schema: Desc, orderId: string, init: MessageInitShape<Desc>) {
    return eventOf(schema, { orderId, customerId: "erin", ...init } as MessageInitShape<Desc>, orderId);
  }

  async function confirm(id: string) {
    const events = [
      eventFor(OrderPricedSchema, id, { subtotal: eur(4000n), discount: eur(0n), total: eur(4000n) }),
      eventFor(StockReservedSchema, id, { lines: [{ productId: "p-1", quantity: 2 }], total: eur(4000n) }),
      eventFor(PaymentSucceededSchema, id, { paymentId: "pay-1", amount: eur(4000n) }),
    ];
    for (const event of events) expect(await fn.receive(event)).toBe("handled");
    return events;
  }

  async function history(id: string, viewer: typeof erin | typeof admin = erin) {
    const { events } = await (await clientAs(fn, viewer)).getOrderHistory({ orderId: id });
    return events;
  }

  it("lists every event of a confirmed order's saga, emitted and consumed, oldest first", async () => {
    const id = await place();
    const consumed = await confirm(id);
    const published = await emitted(fn, id);
    expect(published.map((e) => e.type)).toEqual([OrderPlacedSchema.typeName, OrderConfirmedSchema.typeName]);

    const events = await history(id, admin);
    expect(events.map((e) => [e.type, e.direction])).toEqual([
      [OrderPlacedSchema.typeName, OrderEventDirection.EMITTED],
      [OrderPricedSchema.typeName, OrderEventDirection.CONSUMED],
      [StockReservedSchema.typeName, OrderEventDirection.CONSUMED],
      [PaymentSucceededSchema.typeName, OrderEventDirection.CONSUMED],
      [OrderConfirmedSchema.typeName, OrderEventDirection.EMITTED],
    ]);
    // The ids and sources are the CloudEvents' own, so the history can be matched with the log.
    expect(events.map((e) => e.eventId)).toEqual([
      published[0]?.id,
      ...consumed.map((e) => e.id),
      published[1]?.id,
    ]);
    expect(events.map((e) => e.source)).toEqual([
      "/functions/orders",
      "/functions/promotions",
      "/functions/inventory",
      "/functions/payments",
      "/functions/orders",
    ]);
    expect(events.every((e) => e.time && e.recordedAt)).toBe(true);
    // The customer sees the same history of their own order.
    expect(await history(id)).toEqual(events);
  });

  it("lists a cancelled order's events through the refund, and a redelivery adds nothing", async () => {
    const id = await place();
    await confirm(id);
    const { order } = await (await clientAs(fn, erin)).cancelOrder({ id, reason: "Changed my mind" });
    expect(order?.cancelReason).toBe("Changed my mind");
    const refunded = eventFor(PaymentRefundedSchema, id, {
      paymentId: "pay-1",
      amount: eur(4000n),
      reason: "Order cancelled",
    });
    expect(await fn.receive(refunded)).toBe("handled");
    expect(await fn.receive(refunded)).toBe("duplicate");

    expect((await history(id)).map((e) => e.type)).toEqual([
      OrderPlacedSchema.typeName,
      OrderPricedSchema.typeName,
      StockReservedSchema.typeName,
      PaymentSucceededSchema.typeName,
      OrderConfirmedSchema.typeName,
      OrderCancelledSchema.typeName,
      PaymentRefundedSchema.typeName,
    ]);
  });

  it("records shipping's events of the order too", async () => {
    const id = await place();
    await confirm(id);
    const created = eventOf(
      ShipmentCreatedSchema,
      { shipmentId: "s-1", orderId: id, customerId: "erin", option: "standard" },
      "s-1",
    );
    expect(await fn.receive(created)).toBe("handled");
    expect((await history(id)).at(-1)).toMatchObject({
      type: ShipmentCreatedSchema.typeName,
      eventId: created.id,
      source: "/functions/shipping",
    });
  });

  it("answers not_found for another customer's order, as for one that does not exist", async () => {
    const id = await place();
    const client = await clientAs(fn, mallory);
    expect(await refusal(client.getOrderHistory({ orderId: id }))).toEqual({
      code: Code.NotFound,
      message: `We could not find order ${id}.`,
    });
    expect(await refusal(client.getOrderHistory({ orderId: "no-such-order" }))).toEqual({
      code: Code.NotFound,
      message: "We could not find order no-such-order.",
    });
  });

  it("refuses a request without an order id, and a caller without a token", async () => {
    expect(await refusal((await clientAs(fn, admin)).getOrderHistory({ orderId: "" }))).toEqual({
      code: Code.InvalidArgument,
      message: "Say which order: its id is missing.",
    });
    const anonymous = await testClient(fn, OrderService);
    expect(await refusal(anonymous.getOrderHistory({ orderId: "any" }))).toMatchObject({
      code: Code.Unauthenticated,
    });
  });
});
