/**
 * GetOrderHistory: every event of an order's saga that orders emitted or consumed, for the order's
 * customer or an admin.
 */
import type { Db, Principal } from "@shop/runtime";
import { asc, eq } from "drizzle-orm";
import { type OrderEventRow, orderEvents } from "../db/schema.ts";
import { getOrder } from "./get-order.ts";

/** Which order, and who asks. */
export interface GetOrderHistoryInput {
  orderId: string;
  viewer: Principal;
}

/**
 * The recorded events of `orderId`, oldest first (by event time, then in the order recorded). Whoever may not
 * see the order gets `orderNotFound`, as from GetOrder.
 */
export async function getOrderHistory(db: Db, input: GetOrderHistoryInput): Promise<OrderEventRow[]> {
  const order = await getOrder(db, input);
  return db
    .select()
    .from(orderEvents)
    .where(eq(orderEvents.orderId, order.id))
    .orderBy(asc(orderEvents.eventTime), asc(orderEvents.seq));
}
