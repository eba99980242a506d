/**
 * OrderCancelled: a shipment still being prepared is cancelled; one already dispatched is kept.
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { lockOrder, markCancelled, type Tx } from "@shop/runtime";
import { ShipmentCancelledSchema } from "@shop/schemas/shipping/v1/events";
import { eq } from "drizzle-orm";
import { cancelledOrders, type ShipmentRow, shipments } from "../db/schema.ts";
import type { ShippingClock } from "./clock.ts";

/** What became of the cancellation. */
export type CancelShipmentOutcome =
  | { kind: "cancelled"; shipment: ShipmentRow }
  /** No shipment yet: the tombstone makes a late OrderConfirmed create none. */
  | { kind: "no-shipment" }
  /** Cancelled before (a redelivery): nothing changes. */
  | { kind: "already-cancelled"; shipment: ShipmentRow }
  /**
   * The parcel left before the cancellation arrived (orders refuses CancelOrder once it has seen
   * ShipmentDispatched, so this is the race between the two): the shipment is kept and the request
   * recorded (`cancel_requested_at`) for an admin; nothing is emitted.
   */
  | { kind: "too-late"; shipment: ShipmentRow };

/**
 * Records the order's cancellation (its tombstone) and cancels its PREPARING shipment, emitting
 * ShipmentCancelled. A dispatched or delivered shipment is kept (see `too-late`).
 */
export async function cancelShipment(
  tx: Tx,
  { orderId }: { orderId: string },
  clock: ShippingClock,
): Promise<CancelShipmentOutcome> {
  await lockOrder(tx, "shipping", orderId);
  await markCancelled(tx, cancelledOrders, orderId);
  const [shipment] = await tx.db.select().from(shipments).where(eq(shipments.orderId, orderId));
  if (!shipment) return { kind: "no-shipment" };
  if (shipment.status === "CANCELLED") return { kind: "already-cancelled", shipment };
  const now = clock.now();
  if (shipment.status !== "PREPARING") {
    const [kept] = await tx.db
      .update(shipments)
      .set({ cancelRequestedAt: shipment.cancelRequestedAt ?? now })
      .where(eq(shipments.id, shipment.id))
      .returning();
    return { kind: "too-late", shipment: kept ?? shipment };
  }
  const [cancelled] = await tx.db
    .update(shipments)
    .set({ status: "CANCELLED", cancelledAt: now, dispatchDueAt: null })
    .where(eq(shipments.id, shipment.id))
    .returning();
  const row = cancelled ?? shipment;
  await tx.emit(
    ShipmentCancelledSchema,
    create(ShipmentCancelledSchema, {
      shipmentId: row.id,
      orderId,
      customerId: row.customerId,
      cancelledAt: timestampFromDate(now),
    }),
    { key: orderId },
  );
  return { kind: "cancelled", shipment: row };
}
