/**
 * The delivery, cancellation and shipment of a stored order as the protobuf messages customers and
 * other functions see (messages.ts puts them on Order and the events).
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { money } from "@shop/runtime";
import { PostalAddressSchema } from "@shop/schemas/common/v1/address";
import {
  CancelledBy,
  type OrderCancellation,
  OrderCancellationSchema,
  type OrderShipment,
  OrderShipmentSchema,
  type OrderShipping,
  OrderShippingSchema,
  ShipmentStatus,
} from "@shop/schemas/orders/v1/orders";
import type { OrderRow } from "../db/schema.ts";

/**
 * The order's delivery, or undefined when nothing ships. `charged` is set once promotions priced
 * the order, or always with `withCharged: "always"` (a receipt: an order confirmed before its pricing
 * arrived pays the option's price, as its total says).
 */
export function toOrderShipping(
  row: OrderRow,
  withCharged: "when-priced" | "always" | "never" = "when-priced",
): OrderShipping | undefined {
  if (!row.shipping || row.shippingPriceMinor === null) return undefined;
  const { option, optionName, address } = row.shipping;
  const charged =
    withCharged === "never"
      ? undefined
      : (row.shippingChargedMinor ?? (withCharged === "always" ? row.shippingPriceMinor : undefined));
  return create(OrderShippingSchema, {
    option,
    optionName,
    address: create(PostalAddressSchema, address),
    price: money(row.shippingPriceMinor, row.currency),
    ...(charged === undefined || charged === null ? {} : { charged: money(charged, row.currency) }),
  });
}

/** Who cancelled the order and when, or undefined unless it is cancelled and that was recorded. */
export function toOrderCancellation(row: OrderRow): OrderCancellation | undefined {
  if (row.status !== "CANCELLED" || !row.cancelledBy) return undefined;
  return create(OrderCancellationSchema, {
    by: CancelledBy[row.cancelledBy],
    actorId: row.cancelledById,
    ...(row.cancelledAt ? { cancelledAt: timestampFromDate(row.cancelledAt) } : {}),
  });
}

/** Where the order's parcel is, or undefined before shipping told orders anything. */
export function toOrderShipment(row: OrderRow): OrderShipment | undefined {
  const shipment = row.shipment;
  if (!shipment) return undefined;
  return create(OrderShipmentSchema, {
    shipmentId: shipment.shipmentId,
    status: ShipmentStatus[shipment.status],
    carrier: shipment.carrier,
    trackingNumber: shipment.trackingNumber,
    trackingUrl: shipment.trackingUrl,
    ...(shipment.dispatchedAt ? { dispatchedAt: timestampFromDate(new Date(shipment.dispatchedAt)) } : {}),
    ...(shipment.deliveredAt ? { deliveredAt: timestampFromDate(new Date(shipment.deliveredAt)) } : {}),
  });
}
