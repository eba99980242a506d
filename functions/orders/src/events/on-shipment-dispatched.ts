/**
 * ShipmentDispatched (shipping): the parcel left with a carrier; the order can no longer be cancelled.
 */
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { EventContext } from "@shop/runtime";
import type { ShipmentDispatched } from "@shop/schemas/shipping/v1/events";
import { recordShipment } from "../orders/index.ts";
import type { OrdersDeps } from "../setup.ts";
import { settleShipment } from "./settle.ts";

/** Records the carrier, tracking and dispatch time; the status becomes DISPATCHED unless it is past it. */
export async function onShipmentDispatched(
  message: ShipmentDispatched,
  context: EventContext<OrdersDeps>,
): Promise<void> {
  const outcome = await recordShipment(context, {
    orderId: message.orderId,
    shipmentId: message.shipmentId,
    status: "DISPATCHED",
    carrier: message.carrier,
    trackingNumber: message.trackingNumber,
    trackingUrl: message.trackingUrl,
    dispatchedAt: message.dispatchedAt ? timestampDate(message.dispatchedAt) : undefined,
  });
  settleShipment(context, message.orderId, outcome);
}
