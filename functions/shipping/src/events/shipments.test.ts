import { Code, ConnectError } from "@connectrpc/connect";
import { ShipmentStatus } from "@shop/schemas/orders/v1/orders";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  clientAs,
  emitted,
  orderCancelled,
  orderConfirmed,
  type RunningShipping,
  startShipping,
  typesOf,
} from "../test-support.ts";

const admin = { userId: "root", role: "admin" } as const;

describe("shipments from the saga's events", { timeout: 30_000 }, () => {
  let fn: RunningShipping;
  beforeAll(async () => {
    fn = await startShipping();
  }, 60_000);
  afterAll(() => fn.close());

  async function shipmentOf(orderId: string) {
    const client = await clientAs(fn, admin);
    return (await client.getShipment({ orderId })).shipment;
  }

  async function notFound(orderId: string) {
    const client = await clientAs(fn, admin);
    const error = await client.getShipment({ orderId }).then(
      () => undefined,
      (e: unknown) => ConnectError.from(e),
    );
    return error?.code === Code.NotFound;
  }

  it("creates one PREPARING shipment for a confirmed order that ships, and emits ShipmentCreated", async () => {
    await fn.receive(orderConfirmed("o-ships"));
    const events = await emitted(fn, "o-ships");
    expect(typesOf(events)).toEqual(["ShipmentCreated"]);
    const shipment = await shipmentOf("o-ships");
    expect(shipment).toMatchObject({
      orderId: "o-ships",
      customerId: "erin",
      status: ShipmentStatus.PREPARING,
      option: "standard",
      address: { city: "Berlin", postcode: "10115", country: "DE" },
    });
    expect(events[0]?.message).toMatchObject({
      shipmentId: shipment?.id,
      orderId: "o-ships",
      customerId: "erin",
      option: "standard",
      address: { country: "DE" },
    });
  });

  it("changes nothing when the same OrderConfirmed is delivered again", async () => {
    const event = orderConfirmed("o-twice");
    await fn.receive(event);
    const first = await shipmentOf("o-twice");
    await fn.receive(event);
    // A second confirmation with a new event id (a copy orders sent again) does not add one either.
    await fn.receive(orderConfirmed("o-twice"));
    expect(typesOf(await emitted(fn, "o-twice"))).toEqual(["ShipmentCreated"]);
    expect((await shipmentOf("o-twice"))?.id).toBe(first?.id);
  });

  it("creates nothing for an order that ships nothing", async () => {
    // None of shipping's business: answered before any transaction.
    await expect(fn.receive(orderConfirmed("o-digital", { ships: false }))).resolves.toBe("ignored");
    expect(await emitted(fn, "o-digital")).toEqual([]);
    expect(await notFound("o-digital")).toBe(true);
  });

  it("cancels a PREPARING shipment once, with ShipmentCancelled", async () => {
    await fn.receive(orderConfirmed("o-cancel"));
    const cancelled = orderCancelled("o-cancel");
    await fn.receive(cancelled);
    await fn.receive(cancelled);
    expect(typesOf(await emitted(fn, "o-cancel"))).toEqual(["ShipmentCreated", "ShipmentCancelled"]);
    expect((await shipmentOf("o-cancel"))?.status).toBe(ShipmentStatus.CANCELLED);
  });

  it("creates no shipment for an order whose cancellation came before its confirmation", async () => {
    await fn.receive(orderCancelled("o-late"));
    await fn.receive(orderConfirmed("o-late"));
    expect(await emitted(fn, "o-late")).toEqual([]);
    expect(await notFound("o-late")).toBe(true);
  });

  it("keeps a dispatched shipment when the cancellation arrives after dispatch", async () => {
    await fn.receive(orderConfirmed("o-gone"));
    const client = await clientAs(fn, admin);
    await client.dispatchShipment({ orderId: "o-gone", carrier: "DHL", trackingNumber: "JJD000123" });
    await fn.receive(orderCancelled("o-gone"));
    expect(typesOf(await emitted(fn, "o-gone"))).toEqual(["ShipmentCreated", "ShipmentDispatched"]);
    expect(await shipmentOf("o-gone")).toMatchObject({
      status: ShipmentStatus.DISPATCHED,
      carrier: "DHL",
      trackingNumber: "JJD000123",
    });
  });
});
