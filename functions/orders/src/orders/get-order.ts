/**
 * GetOrder: one order, for its customer or an admin.
 */
import type { Db, Principal } from "@shop/runtime";
import { eq } from "drizzle-orm";
import { type OrderRow, orders } from "../db/schema.ts";
import { orderIdMissing, orderNotFound } from "./errors.ts";

/** Which order, and who asks to see it. */
export interface GetOrderInput {
  orderId: string;
  viewer: Principal;
}

/**
 * The order `orderId` if `viewer` may see it: its customer, or an admin. Anyone else gets
 * `orderNotFound`, exactly as for an order that does not exist.
 */
export async function getOrder(db: Db, { orderId, viewer }: GetOrderInput): Promise<OrderRow> {
  if (orderId.length === 0) throw orderIdMissing();
  const [order] = await db.select().from(orders).where(eq(orders.id, orderId));
  if (!order || (order.customerId !== viewer.userId && viewer.role !== "admin")) {
    throw orderNotFound(orderId);
  }
  return order;
}
