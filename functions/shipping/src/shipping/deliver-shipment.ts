/**
 * DeliverShipment (admin, or the dev carrier): a DISPATCHED parcel arrived.
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { lockOrder, type Tx } from "@shop/runtime";
import { ShipmentDeliveredSchema } from "@shop/schemas/shipping/v1/events";
import { eq } from "drizzle-orm";
import { type ShipmentRow, shipments } from "../db/schema.ts";
import type { ShippingClock } from "./clock.ts";
import { orderIdMissing, shipmentNotFound, wrongState } from "./errors.ts";

/**
 * Marks the order's DISPATCHED shipment DELIVERED and emits ShipmentDelivered. Refuses a missing
 * order id (InvalidArgument), an order without a shipment (NotFound) and a shipment in another
 * state (FailedPrecondition).
 */
export async function deliverShipment(
  tx: Tx,
  input: { orderId: string },
  clock: ShippingClock,
): Promise<ShipmentRow> {
  const orderId = input.orderId.trim();
  if (!orderId) throw orderIdMissing();
  await lockOrder(tx, "shipping", orderId);
  const [shipment] = await tx.db.select().from(shipments).where(eq(shipments.orderId, orderId));
  if (!shipment) throw shipmentNotFound(orderId);
  if (shipment.status !== "DISPATCHED") throw wrongState(orderId, shipment.status, "deliver");
  const now = clock.now();
  const [delivered] = await tx.db
    .update(shipments)
    .set({ status: "DELIVERED", deliveredAt: now, deliverDueAt: null })
    .where(eq(shipments.id, shipment.id))
    .returning();
  const row = delivered as ShipmentRow;
  await tx.emit(
    ShipmentDeliveredSchema,
    create(ShipmentDeliveredSchema, {
      shipmentId: row.id,
      orderId,
      customerId: row.customerId,
      deliveredAt: timestampFromDate(now),
    }),
    { key: orderId },
  );
  return row;
}
