import { create } from "@bufbuild/protobuf";
import {
  OrderSchema,
  OrderShipmentSchema,
  OrderShippingSchema,
  OrderStatus,
  ShipmentStatus,
} from "@shop/schemas/orders/v1/orders";
import { describe, expect, it } from "vitest";
import { deliveryDays, isCancellable, isSettled, shipmentLabel } from "./shipment.ts";

/** An order in `status` that ships (unless `ships` is false), its parcel in `parcel` if it has one. */
function order(status: OrderStatus, parcel?: ShipmentStatus, ships = true) {
  return create(OrderSchema, {
    status,
    ...(ships ? { shipping: create(OrderShippingSchema, { option: "express" }) } : {}),
    ...(parcel === undefined ? {} : { shipment: create(OrderShipmentSchema, { status: parcel }) }),
  });
}

describe("isSettled", () => {
  it("keeps following a confirmed order that ships until its parcel is delivered or cancelled", () => {
    expect(isSettled(order(OrderStatus.PENDING))).toBe(false);
    expect(isSettled(order(OrderStatus.CONFIRMED))).toBe(false);
    expect(isSettled(order(OrderStatus.CONFIRMED, ShipmentStatus.PREPARING))).toBe(false);
    expect(isSettled(order(OrderStatus.CONFIRMED, ShipmentStatus.DISPATCHED))).toBe(false);
    expect(isSettled(order(OrderStatus.CONFIRMED, ShipmentStatus.DELIVERED))).toBe(true);
    expect(isSettled(order(OrderStatus.CONFIRMED, ShipmentStatus.CANCELLED))).toBe(true);
  });

  it("settles a cancelled order, and a confirmed one that ships nothing", () => {
    expect(isSettled(order(OrderStatus.CANCELLED, ShipmentStatus.PREPARING))).toBe(true);
    expect(isSettled(order(OrderStatus.CONFIRMED, undefined, false))).toBe(true);
  });
});

describe("isCancellable", () => {
  it("offers cancelling until the parcel leaves, and never twice", () => {
    expect(isCancellable(order(OrderStatus.PENDING))).toBe(true);
    expect(isCancellable(order(OrderStatus.CONFIRMED))).toBe(true);
    expect(isCancellable(order(OrderStatus.CONFIRMED, ShipmentStatus.PREPARING))).toBe(true);
    expect(isCancellable(order(OrderStatus.CONFIRMED, ShipmentStatus.DISPATCHED))).toBe(false);
    expect(isCancellable(order(OrderStatus.CONFIRMED, ShipmentStatus.DELIVERED))).toBe(false);
    expect(isCancellable(order(OrderStatus.CANCELLED))).toBe(false);
  });
});

describe("shipmentLabel", () => {
  it("reads the parcel's progress", () => {
    expect(shipmentLabel(order(OrderStatus.RESERVED))).toBe("Ships once the order is confirmed");
    expect(shipmentLabel(order(OrderStatus.CONFIRMED))).toBe("Preparing");
    expect(shipmentLabel(order(OrderStatus.CONFIRMED, ShipmentStatus.DISPATCHED))).toBe("Dispatched");
    expect(shipmentLabel(order(OrderStatus.CONFIRMED, ShipmentStatus.DELIVERED))).toBe("Delivered");
  });

  it("says a cancelled order's parcel is not shipped, even before shipping has cancelled it", () => {
    const notShipped = "Not shipped: the order was cancelled";
    expect(shipmentLabel(order(OrderStatus.CANCELLED, ShipmentStatus.PREPARING))).toBe(notShipped);
    expect(shipmentLabel(order(OrderStatus.CANCELLED))).toBe(notShipped);
    expect(shipmentLabel(order(OrderStatus.CONFIRMED, ShipmentStatus.CANCELLED))).toBe(notShipped);
    // The race with dispatch (functions/shipping/README.md): a parcel that left stays on its way.
    expect(shipmentLabel(order(OrderStatus.CANCELLED, ShipmentStatus.DISPATCHED))).toBe("Dispatched");
  });
});

describe("deliveryDays", () => {
  it("reads a range of business days", () => {
    expect(deliveryDays(1, 2)).toBe("1–2 business days");
    expect(deliveryDays(3, 3)).toBe("3 business days");
    expect(deliveryDays(1, 1)).toBe("1 business day");
  });
});
