/**
 * ShipmentCreated (shipping): a confirmed order's parcel is being prepared.
 */
import type { EventContext } from "@shop/runtime";
import type { ShipmentCreated } from "@shop/schemas/shipping/v1/events";
import { recordShipment } from "../orders/index.ts";
import type { OrdersDeps } from "../setup.ts";
import { settleShipment } from "./settle.ts";

/** Records the shipment as PREPARING (unless a later event already moved it on). */
export async function onShipmentCreated(
  message: ShipmentCreated,
  context: EventContext<OrdersDeps>,
): Promise<void> {
  const outcome = await recordShipment(context, {
    orderId: message.orderId,
    shipmentId: message.shipmentId,
    status: "PREPARING",
  });
  settleShipment(context, message.orderId, outcome);
}
