/**
 * The rules of delivery the storefront shows, free of the DOM: when an order has nothing more to
 * show, while it may be cancelled, how its parcel reads, and days to delivery.
 */
import { type Order, OrderStatus, ShipmentStatus } from "@shop/schemas/orders/v1/orders";

/**
 * Whether the order has nothing more to show: cancelled, or confirmed and either shipping nothing or
 * delivered (or its shipment cancelled). WatchOrder ends there too.
 */
export function isSettled(order: Order): boolean {
  if (order.status === OrderStatus.CANCELLED) return true;
  if (order.status !== OrderStatus.CONFIRMED) return false;
  if (!order.shipping) return true;
  const status = order.shipment?.status;
  return status === ShipmentStatus.DELIVERED || status === ShipmentStatus.CANCELLED;
}

/** Whether the customer may still cancel: not cancelled yet, and the parcel has not left. */
export function isCancellable(order: Order): boolean {
  if (order.status === OrderStatus.CANCELLED) return false;
  const status = order.shipment?.status;
  return status !== ShipmentStatus.DISPATCHED && status !== ShipmentStatus.DELIVERED;
}

/** The parcel's steps as the order page shows them. */
export const SHIPMENT_STEPS: [ShipmentStatus, string][] = [
  [ShipmentStatus.PREPARING, "Preparing"],
  [ShipmentStatus.DISPATCHED, "Dispatched"],
  [ShipmentStatus.DELIVERED, "Delivered"],
];

/** The shipment's state as one line a customer reads. */
export function shipmentLabel(order: Order): string {
  const status = order.shipment?.status ?? ShipmentStatus.UNSPECIFIED;
  // A cancelled order's parcel that had not left stays: shipping's ShipmentCancelled may come later
  // (and WatchOrder ends with the cancellation).
  const left = status === ShipmentStatus.DISPATCHED || status === ShipmentStatus.DELIVERED;
  if (status === ShipmentStatus.CANCELLED || (order.status === OrderStatus.CANCELLED && !left))
    return "Not shipped: the order was cancelled";
  if (status === ShipmentStatus.UNSPECIFIED)
    return order.status === OrderStatus.CONFIRMED ? "Preparing" : "Ships once the order is confirmed";
  return SHIPMENT_STEPS.find(([s]) => s === status)?.[1] ?? "Preparing";
}

/** Days to delivery as a customer reads them ("1–2 business days"). */
export function deliveryDays(minDays: number, maxDays: number): string {
  const days = minDays === maxDays ? `${minDays}` : `${minDays}–${maxDays}`;
  return `${days} business day${maxDays === 1 ? "" : "s"}`;
}
