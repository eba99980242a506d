import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { StockReservedSchema } from "@shop/schemas/inventory/v1/events";
import { OrderStatus, ShipmentStatus } from "@shop/schemas/orders/v1/orders";
import { PaymentSucceededSchema } from "@shop/schemas/payments/v1/events";
import { OrderPricedSchema } from "@shop/schemas/promotions/v1/events";
import {
  ShipmentCancelledSchema,
  ShipmentCreatedSchema,
  ShipmentDeliveredSchema,
  ShipmentDispatchedSchema,
} from "@shop/schemas/shipping/v1/events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  berlin,
  clientAs,
  deliverFor,
  eventOf,
  putProduct,
  putShippingOption,
  type RunningOrders,
  startOrders,
} from "../test-support.ts";

const ida = { userId: "ida", role: "customer" } as const;
const eur = (amountMinor: bigint) => ({ amountMinor, currency: "EUR" });
const dispatchedAt = new Date("2026-12-02T09:00:00Z");
const deliveredAt = new Date("2026-12-03T15:30:00Z");

describe("orders' view of the shipment", { timeout: 30_000 }, () => {
  let fn: RunningOrders;
  let keys = 0;
  beforeAll(async () => {
    fn = await startOrders();
    await putProduct(fn, "p-1", { priceMinor: 1000n });
    await putShippingOption(fn, "standard", { priceMinor: 400n });
    // PGlite starts in seconds, more on a loaded machine.
  }, 60_000);
  afterAll(() => fn.close());

  /** A confirmed order of ida's that ships. */
  async function confirmedOrder(): Promise<string> {
    const { order } = await (await clientAs(fn, ida)).placeOrder({
      lines: [{ productId: "p-1", quantity: 1 }],
      idempotencyKey: `shipment-${++keys}`,
      shippingAddress: berlin(),
      shippingOption: "standard",
    });
    const id = order?.id ?? "";
    const total = eur(1400n);
    await deliverFor(fn, OrderPricedSchema, id, { discount: eur(0n), shipping: eur(400n), total }, "ida");
    await deliverFor(fn, StockReservedSchema, id, { total }, "ida");
    await deliverFor(fn, PaymentSucceededSchema, id, { paymentId: `pay-${id}`, amount: total }, "ida");
    return id;
  }

  const events = (id: string) => ({
    created: eventOf(ShipmentCreatedSchema, { shipmentId: `s-${id}`, orderId: id, customerId: "ida" }, id),
    dispatched: eventOf(
      ShipmentDispatchedSchema,
      {
        shipmentId: `s-${id}`,
        orderId: id,
        customerId: "ida",
        carrier: "DHL",
        trackingNumber: "JD0001",
        trackingUrl: "https://track.example/JD0001",
        dispatchedAt: timestampFromDate(dispatchedAt),
      },
      id,
    ),
    delivered: eventOf(
      ShipmentDeliveredSchema,
      { shipmentId: `s-${id}`, orderId: id, customerId: "ida", deliveredAt: timestampFromDate(deliveredAt) },
      id,
    ),
    cancelled: eventOf(
      ShipmentCancelledSchema,
      { shipmentId: `s-${id}`, orderId: id, customerId: "ida" },
      id,
    ),
  });

  const shipmentOf = async (id: string) => (await (await clientAs(fn, ida)).getOrder({ id })).order?.shipment;

  const delivered = (id: string) => ({
    shipmentId: `s-${id}`,
    status: ShipmentStatus.DELIVERED,
    carrier: "DHL",
    trackingNumber: "JD0001",
    trackingUrl: "https://track.example/JD0001",
    dispatchedAt: timestampFromDate(dispatchedAt),
    deliveredAt: timestampFromDate(deliveredAt),
  });

  it("follows the parcel from preparing through dispatched to delivered", async () => {
    const id = await confirmedOrder();
    expect(await shipmentOf(id)).toBeUndefined();
    const { created, dispatched, delivered: arrived } = events(id);
    await fn.receive(created);
    expect(await shipmentOf(id)).toMatchObject({ shipmentId: `s-${id}`, status: ShipmentStatus.PREPARING });
    await fn.receive(dispatched);
    expect(await shipmentOf(id)).toMatchObject({ status: ShipmentStatus.DISPATCHED, carrier: "DHL" });
    await fn.receive(arrived);
    expect(await shipmentOf(id)).toMatchObject(delivered(id));
  });

  it("never goes backwards when a Delivered arrives before the Dispatched and the Created", async () => {
    const id = await confirmedOrder();
    const { created, dispatched, delivered: arrived } = events(id);
    await fn.receive(arrived);
    await fn.receive(dispatched);
    await fn.receive(created);
    // The late Dispatched still adds the carrier and tracking; the status stays DELIVERED.
    expect(await shipmentOf(id)).toMatchObject(delivered(id));
  });

  it("changes nothing when any shipping event arrives twice", async () => {
    const id = await confirmedOrder();
    const { created, dispatched, delivered: arrived } = events(id);
    for (const event of [created, dispatched, arrived]) {
      await fn.receive(event);
      const before = (await (await clientAs(fn, ida)).getOrder({ id })).order;
      await expect(fn.receive(event)).resolves.toBe("duplicate");
      // The same fact again under a new event id (a producer's retry): the order stays as it was.
      await fn.receive(event.cloneWith({ id: `${event.id}-again` }));
      expect((await (await clientAs(fn, ida)).getOrder({ id })).order).toEqual(before);
    }
    const other = await confirmedOrder();
    const { cancelled: otherCancelled } = events(other);
    await fn.receive(otherCancelled);
    await expect(fn.receive(otherCancelled)).resolves.toBe("duplicate");
    await fn.receive(otherCancelled.cloneWith({ id: `${otherCancelled.id}-again` }));
    expect(await shipmentOf(other)).toMatchObject({ status: ShipmentStatus.CANCELLED });
  });

  it("drops an event for an order it does not know", async () => {
    const message = create(ShipmentCreatedSchema, {
      shipmentId: "s-x",
      orderId: "no-such-order",
      customerId: "ida",
    });
    await expect(fn.receive(eventOf(ShipmentCreatedSchema, message, "no-such-order"))).resolves.toBe(
      "handled",
    );
  });

  it("keeps WatchOrder open on a confirmed order that ships until its parcel is delivered", async () => {
    const id = await confirmedOrder();
    const stream = (await clientAs(fn, ida)).watchOrder({ id })[Symbol.asyncIterator]();
    const first = await stream.next();
    expect(first.value?.order?.status).toBe(OrderStatus.CONFIRMED);
    const { created, dispatched, delivered: arrived } = events(id);
    await fn.receive(created);
    expect((await stream.next()).value?.order?.shipment?.status).toBe(ShipmentStatus.PREPARING);
    await fn.receive(dispatched);
    expect((await stream.next()).value?.order?.shipment?.status).toBe(ShipmentStatus.DISPATCHED);
    await fn.receive(arrived);
    expect((await stream.next()).value?.order?.shipment?.status).toBe(ShipmentStatus.DELIVERED);
    expect((await stream.next()).done).toBe(true);
  });
});
