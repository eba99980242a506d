import { ShipmentStatus } from "@shop/schemas/orders/v1/orders";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  clientAs,
  emitted,
  orderCancelled,
  orderConfirmed,
  type RunningShipping,
  startShipping,
  testClock,
  typesOf,
} from "../test-support.ts";
import { DEV_CARRIER } from "./dev-carrier.ts";

const admin = { userId: "root", role: "admin" } as const;

describe("the dev carrier", { timeout: 30_000 }, () => {
  const clock = testClock();
  let fn: RunningShipping;
  beforeAll(async () => {
    fn = await startShipping({
      clock,
      devCarrier: { enabled: true, dispatchAfterMs: 1_000, deliverAfterMs: 2_000 },
    });
  }, 60_000);
  afterAll(() => fn.close());

  async function shipmentOf(orderId: string) {
    return (await (await clientAs(fn, admin)).getShipment({ orderId })).shipment;
  }

  it("dispatches a shipment once its delay is over, then delivers it after the second delay", async () => {
    await fn.receive(orderConfirmed("o-dev"));
    await fn.tick();
    expect((await shipmentOf("o-dev"))?.status).toBe(ShipmentStatus.PREPARING);

    clock.advance(1_000);
    await fn.tick();
    const dispatched = await shipmentOf("o-dev");
    expect(dispatched).toMatchObject({ status: ShipmentStatus.DISPATCHED, carrier: DEV_CARRIER });
    expect(dispatched?.trackingNumber).toMatch(/^SXD[0-9A-F]{10}$/);
    await fn.tick();
    expect((await shipmentOf("o-dev"))?.status).toBe(ShipmentStatus.DISPATCHED);

    clock.advance(2_000);
    await fn.tick();
    expect((await shipmentOf("o-dev"))?.status).toBe(ShipmentStatus.DELIVERED);
    const events = await emitted(fn, "o-dev");
    expect(typesOf(events)).toEqual(["ShipmentCreated", "ShipmentDispatched", "ShipmentDelivered"]);
    expect(events[1]?.message).toMatchObject({
      carrier: DEV_CARRIER,
      trackingNumber: dispatched?.trackingNumber,
    });
    await fn.tick();
    expect(await emitted(fn, "o-dev")).toHaveLength(3);
  });

  it("does not dispatch a shipment cancelled before its dispatch was due", async () => {
    await fn.receive(orderConfirmed("o-dev-cancel"));
    await fn.receive(orderCancelled("o-dev-cancel"));
    clock.advance(5_000);
    await fn.tick();
    expect(typesOf(await emitted(fn, "o-dev-cancel"))).toEqual(["ShipmentCreated", "ShipmentCancelled"]);
  });

  it("delivers a parcel an admin dispatched by hand", async () => {
    await fn.receive(orderConfirmed("o-dev-hand"));
    const client = await clientAs(fn, admin);
    await client.dispatchShipment({ orderId: "o-dev-hand", carrier: "UPS", trackingNumber: "1Z999" });
    clock.advance(2_000);
    await fn.tick();
    expect(await shipmentOf("o-dev-hand")).toMatchObject({
      status: ShipmentStatus.DELIVERED,
      carrier: "UPS",
    });
  });
});

describe("the dev carrier, off (production)", { timeout: 30_000 }, () => {
  const clock = testClock();
  let fn: RunningShipping;
  beforeAll(async () => {
    fn = await startShipping({ clock, devCarrier: { enabled: false } });
  }, 60_000);
  afterAll(() => fn.close());

  it("leaves shipments PREPARING however long they wait", async () => {
    await fn.receive(orderConfirmed("o-prod"));
    clock.advance(24 * 3_600_000);
    await fn.tick();
    expect(typesOf(await emitted(fn, "o-prod"))).toEqual(["ShipmentCreated"]);
  });
});
