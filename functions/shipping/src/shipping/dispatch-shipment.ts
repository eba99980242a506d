/**
 * DispatchShipment (admin, or the dev carrier): a PREPARING shipment leaves with a carrier.
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { lockOrder, type Tx } from "@shop/runtime";
import { ShipmentDispatchedSchema } from "@shop/schemas/shipping/v1/events";
import { eq } from "drizzle-orm";
import { type ShipmentRow, shipments } from "../db/schema.ts";
import { dueAfter, type ShippingClock } from "./clock.ts";
import {
  carrierMissing,
  orderIdMissing,
  shipmentNotFound,
  trackingNumberMissing,
  wrongState,
} from "./errors.ts";

/** Which order's parcel leaves, with whom, under which tracking number. */
export interface DispatchShipmentInput {
  orderId: string;
  carrier: string;
  trackingNumber: string;
  /** Where to follow it, if the carrier has a page. */
  trackingUrl?: string;
}

/**
 * Marks the order's PREPARING shipment DISPATCHED and emits ShipmentDispatched; with the dev carrier
 * on, schedules its delivery. Refuses a missing order id, carrier or tracking number
 * (InvalidArgument), an order without a shipment (NotFound) and a shipment in another state
 * (FailedPrecondition).
 */
export async function dispatchShipment(
  tx: Tx,
  input: DispatchShipmentInput,
  clock: ShippingClock,
): Promise<ShipmentRow> {
  const orderId = input.orderId.trim();
  const carrier = input.carrier.trim();
  const trackingNumber = input.trackingNumber.trim();
  if (!orderId) throw orderIdMissing();
  if (!carrier) throw carrierMissing();
  if (!trackingNumber) throw trackingNumberMissing();
  await lockOrder(tx, "shipping", orderId);
  const [shipment] = await tx.db.select().from(shipments).where(eq(shipments.orderId, orderId));
  if (!shipment) throw shipmentNotFound(orderId);
  if (shipment.status !== "PREPARING") throw wrongState(orderId, shipment.status, "dispatch");
  const now = clock.now();
  const [dispatched] = await tx.db
    .update(shipments)
    .set({
      status: "DISPATCHED",
      carrier,
      trackingNumber,
      trackingUrl: input.trackingUrl ?? "",
      dispatchedAt: now,
      dispatchDueAt: null,
      deliverDueAt: dueAfter(clock, now, clock.devCarrier.deliverAfterMs),
    })
    .where(eq(shipments.id, shipment.id))
    .returning();
  const row = dispatched as ShipmentRow;
  await tx.emit(
    ShipmentDispatchedSchema,
    create(ShipmentDispatchedSchema, {
      shipmentId: row.id,
      orderId,
      customerId: row.customerId,
      carrier,
      trackingNumber,
      trackingUrl: row.trackingUrl,
      dispatchedAt: timestampFromDate(now),
    }),
    { key: orderId },
  );
  return row;
}
