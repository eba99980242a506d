/**
 * GetOrder: one order, for its customer or an admin.
 */
import type { Db, Principal } from "@shop/runtime";
import { eq } from "drizzle-orm";
import { type OrderRow, orders } from "../db/schema.ts";
import { InvalidOrderRequestError, OrderNotFoundError } from "./errors.ts";

/**
 * The order `orderId` if `viewer` may see it: its customer, or an admin. Anyone else gets
 * OrderNotFoundError, exactly as for an order that does not exist.
 */
export async function getOrder(db: Db, orderId: string, viewer: Principal): Promise<OrderRow> {
  if (orderId.length === 0) throw new InvalidOrderRequestError("Say which order: its id is missing.");
  const [order] = await db.select().from(orders).where(eq(orders.id, orderId));
  if (!order || (order.customerId !== viewer.userId && viewer.role !== "admin")) {
    throw new OrderNotFoundError(orderId);
  }
  return order;
}
