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
 * With `waitForWriter`, the read waits for a transaction changing the order to finish (a row lock),
 * so that a watcher woken from inside that transaction reads what it committed.
 */
export async function getOrder(
  db: Db,
  orderId: string,
  viewer: Principal,
  { waitForWriter = false } = {},
): Promise<OrderRow> {
  if (orderId.length === 0) throw new InvalidOrderRequestError("Say which order: its id is missing.");
  const query = db.select().from(orders).where(eq(orders.id, orderId));
  const [order] = waitForWriter ? await query.for("share") : await query;
  if (!order || (order.customerId !== viewer.userId && viewer.role !== "admin")) {
    throw new OrderNotFoundError(orderId);
  }
  return order;
}
