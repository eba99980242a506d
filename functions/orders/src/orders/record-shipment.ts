/**
 * Orders' view of an order's parcel, from shipping's events (ShipmentCreated, ShipmentDispatched,
 * ShipmentDelivered, ShipmentCancelled). They travel through separate Triggers and may arrive in any
 * order or twice: each one adds what it knows, and the status only moves forward by rank.
 */
import type { Tx } from "@shop/runtime";
import { eq, sql } from "drizzle-orm";
import { orders, type ShipmentStatusName, type StoredShipment } from "../db/schema.ts";
import type { SagaOutcome } from "./transition.ts";

// A parcel is prepared, then dispatched, then delivered; a cancelled one never leaves (shipping
// cancels only before dispatch), so nothing moves it on.
const RANK: Record<ShipmentStatusName, number> = {
  PREPARING: 1,
  DISPATCHED: 2,
  DELIVERED: 3,
  CANCELLED: 4,
};

/** What one of shipping's events says about the parcel of `orderId`. */
export interface ShipmentUpdate {
  orderId: string;
  shipmentId: string;
  status: ShipmentStatusName;
  carrier?: string;
  trackingNumber?: string;
  trackingUrl?: string;
  dispatchedAt?: Date | undefined;
  deliveredAt?: Date | undefined;
}

/** True when the parcel went out: an order whose parcel did can no longer be cancelled. */
export function hasLeft(shipment: StoredShipment | null): boolean {
  return shipment?.status === "DISPATCHED" || shipment?.status === "DELIVERED";
}

/**
 * Merges `update` into the order's shipment: the higher-ranked status wins, and every fact an event
 * carries is kept whichever arrives first (a Dispatched after a Delivered still adds the tracking
 * number). `applied` when something changed, `unchanged` for a repeated or stale event.
 */
export async function recordShipment(tx: Tx, update: ShipmentUpdate): Promise<SagaOutcome> {
  // The row lock serialises the shipment events of one order, which arrive through separate Triggers.
  const [order] = await tx.db.select().from(orders).where(eq(orders.id, update.orderId)).for("update");
  if (!order) return { kind: "missing" };
  const merged = merge(order.shipment, update);
  if (sameShipment(merged, order.shipment)) return { kind: "unchanged", order };
  const [updated] = await tx.db
    .update(orders)
    .set({ shipment: merged, updatedAt: sql`now()` })
    .where(eq(orders.id, update.orderId))
    .returning();
  return updated ? { kind: "applied", order: updated } : { kind: "missing" };
}

/** The shipment with what `update` adds to it. */
function merge(current: StoredShipment | null, update: ShipmentUpdate): StoredShipment {
  const base: StoredShipment = current ?? {
    shipmentId: update.shipmentId,
    status: update.status,
    carrier: "",
    trackingNumber: "",
    trackingUrl: "",
    dispatchedAt: null,
    deliveredAt: null,
  };
  return {
    shipmentId: base.shipmentId || update.shipmentId,
    status: RANK[update.status] > RANK[base.status] ? update.status : base.status,
    carrier: base.carrier || update.carrier || "",
    trackingNumber: base.trackingNumber || update.trackingNumber || "",
    trackingUrl: base.trackingUrl || update.trackingUrl || "",
    dispatchedAt: base.dispatchedAt ?? update.dispatchedAt?.toISOString() ?? null,
    deliveredAt: base.deliveredAt ?? update.deliveredAt?.toISOString() ?? null,
  };
}

/** True when `a` and `b` say the same (jsonb keeps its own key order, so not by their JSON text). */
function sameShipment(a: StoredShipment, b: StoredShipment | null): boolean {
  if (!b) return false;
  return (Object.keys(a) as (keyof StoredShipment)[]).every((key) => a[key] === b[key]);
}
