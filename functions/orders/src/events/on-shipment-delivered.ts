/**
 * ShipmentDelivered (shipping): the parcel arrived; watches of the order end.
 */
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { EventContext } from "@shop/runtime";
import type { ShipmentDelivered } from "@shop/schemas/shipping/v1/events";
import { recordShipment } from "../orders/index.ts";
import type { OrdersDeps } from "../setup.ts";
import { settleShipment } from "./settle.ts";

/** Records the delivery time; the status becomes DELIVERED. */
export async function onShipmentDelivered(
  message: ShipmentDelivered,
  context: EventContext<OrdersDeps>,
): Promise<void> {
  const outcome = await recordShipment(context, {
    orderId: message.orderId,
    shipmentId: message.shipmentId,
    status: "DELIVERED",
    deliveredAt: message.deliveredAt ? timestampDate(message.deliveredAt) : undefined,
  });
  settleShipment(context, message.orderId, outcome);
}
