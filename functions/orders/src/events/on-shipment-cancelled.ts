/**
 * ShipmentCancelled (shipping): the order was cancelled before dispatch; nothing ships.
 */
import type { EventContext } from "@shop/runtime";
import type { ShipmentCancelled } from "@shop/schemas/shipping/v1/events";
import { recordShipment } from "../orders/index.ts";
import type { OrdersDeps } from "../setup.ts";
import { settleShipment } from "./settle.ts";

/** Records the shipment as CANCELLED. */
export async function onShipmentCancelled(
  message: ShipmentCancelled,
  context: EventContext<OrdersDeps>,
): Promise<void> {
  const outcome = await recordShipment(context, {
    orderId: message.orderId,
    shipmentId: message.shipmentId,
    status: "CANCELLED",
  });
  settleShipment(context, message.orderId, outcome);
}
