/**
 * GetShipment: one order's shipment, for its customer or an admin.
 */
import type { Db, Principal } from "@shop/runtime";
import { eq } from "drizzle-orm";
import { type ShipmentRow, shipments } from "../db/schema.ts";
import { orderIdMissing, shipmentNotFound } from "./errors.ts";

/**
 * The shipment of order `orderId` if `viewer` may see it: its customer, or an admin. Anyone else
 * gets `shipmentNotFound`, exactly as for an order without a shipment.
 */
export async function getShipment(
  db: Db,
  { orderId, viewer }: { orderId: string; viewer: Principal },
): Promise<ShipmentRow> {
  if (orderId.trim().length === 0) throw orderIdMissing();
  const [shipment] = await db.select().from(shipments).where(eq(shipments.orderId, orderId.trim()));
  if (!shipment || (shipment.customerId !== viewer.userId && viewer.role !== "admin")) {
    throw shipmentNotFound(orderId.trim());
  }
  return shipment;
}
