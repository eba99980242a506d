/**
 * Stored rows as the contract's messages.
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { money } from "@shop/runtime";
import { ShipmentStatus } from "@shop/schemas/orders/v1/orders";
import {
  type Shipment,
  ShipmentSchema,
  type ShippingOption,
  ShippingOptionSchema,
} from "@shop/schemas/shipping/v1/shipping";
import type { ShipmentRow } from "../db/schema.ts";
import type { PricedOption } from "./list-options.ts";

/** A stored shipment as a Shipment message. */
export function toShipmentMessage(row: ShipmentRow): Shipment {
  return create(ShipmentSchema, {
    id: row.id,
    orderId: row.orderId,
    customerId: row.customerId,
    status: ShipmentStatus[row.status],
    option: row.option,
    address: row.address,
    carrier: row.carrier,
    trackingNumber: row.trackingNumber,
    createdAt: timestampFromDate(row.createdAt),
    ...(row.dispatchedAt ? { dispatchedAt: timestampFromDate(row.dispatchedAt) } : {}),
    ...(row.deliveredAt ? { deliveredAt: timestampFromDate(row.deliveredAt) } : {}),
  });
}

/** A priced option as a ShippingOption message. */
export function toOptionMessage(option: PricedOption): ShippingOption {
  return create(ShippingOptionSchema, {
    id: option.id,
    name: option.name,
    price: money(option.priceMinor, option.currency),
    minDays: option.minDays,
    maxDays: option.maxDays,
  });
}
