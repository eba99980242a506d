/**
 * OrderCancelled (orders): the order will not go on; its parcel, if still being prepared, neither.
 */
import type { EventContext } from "@shop/runtime";
import type { OrderCancelled } from "@shop/schemas/orders/v1/events";
import type { ShippingDeps } from "../setup.ts";
import { cancelShipment } from "../shipping/index.ts";

/** Cancels the order's PREPARING shipment (ShipmentCancelled) and remembers the order is cancelled. */
export async function onOrderCancelled(
  message: OrderCancelled,
  context: EventContext<ShippingDeps>,
): Promise<void> {
  const outcome = await cancelShipment(context, { orderId: message.orderId }, context.deps);
  if (outcome.kind === "too-late") {
    context.logger.warn(
      { orderId: message.orderId, status: outcome.shipment.status },
      "order cancelled after its parcel was dispatched: the shipment is kept (cancel_requested_at recorded)",
    );
  }
}
