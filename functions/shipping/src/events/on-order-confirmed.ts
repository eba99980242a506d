/**
 * OrderConfirmed (orders): the order is paid; if it ships, its parcel is prepared.
 */
import type { EventContext } from "@shop/runtime";
import type { OrderConfirmed } from "@shop/schemas/orders/v1/events";
import type { ShippingDeps } from "../setup.ts";
import { createShipment } from "../shipping/index.ts";

/**
 * Creates the order's shipment (ShipmentCreated) when it has shipping with an address. False when
 * that changed nothing: the shipment, one per order, is the record of the confirmation (a redelivery
 * finds it), so the subscription is `idempotent` and writes no processed-event row.
 */
export async function onOrderConfirmed(
  message: OrderConfirmed,
  context: EventContext<ShippingDeps>,
): Promise<boolean> {
  const address = message.shipping?.address;
  const outcome = await createShipment(
    context,
    {
      orderId: message.orderId,
      customerId: message.customerId,
      option: message.shipping?.option ?? "",
      address: address
        ? {
            name: address.name,
            line1: address.line1,
            line2: address.line2,
            city: address.city,
            postcode: address.postcode,
            country: address.country,
          }
        : undefined,
    },
    context.deps,
  );
  if (outcome.kind === "cancelled") {
    context.logger.info(
      { orderId: message.orderId },
      "order confirmed after its cancellation: nothing ships",
    );
  }
  return outcome.kind === "created";
}
