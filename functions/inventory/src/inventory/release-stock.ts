/**
 * releaseStock: gives back what a cancelled order held or bought, and remembers the cancellation.
 */
import { lockOrder, markCancelled, type Tx } from "@shop/runtime";
import { and, eq, inArray, sql } from "drizzle-orm";
import { cancelledOrders, reservations, stock } from "../db/schema.ts";
import { forgetPaymentToken } from "./answers.ts";
import { emitStockChanged, nextVersion, stockLevelColumns } from "./stock-level.ts";

/**
 * Releases the units held for a cancelled order (available += q, reserved -= q) and returns the units
 * it bought when a confirmed order is cancelled before dispatch (available += q, sold -= q), each with
 * the next version and StockChanged per product, and records a tombstone so a late OrderPriced of the
 * order reserves nothing. OrderConfirmed and OrderCancelled arrive through separate Triggers: if the
 * cancellation comes first, its units are released while held and the late confirmation finds none to
 * sell. Returns the products released; a second call releases nothing.
 */
export async function releaseStock(
  tx: Tx,
  orderId: string,
): Promise<{ productId: string; quantity: number }[]> {
  // OrderCancelled and OrderPriced arrive through separate Triggers: without the order's lock this
  // could miss a reservation a concurrent OrderPriced has not committed yet, and leave it held forever.
  await lockOrder(tx, "inventory", orderId);
  await markCancelled(tx, cancelledOrders, orderId);
  await forgetPaymentToken(tx, orderId);
  // The UPDATE's RETURNING sees the new state only, so the lines' states before it are read first
  // (under the order's lock, nothing changes them in between).
  const before = await tx.db
    .select({ productId: reservations.productId, state: reservations.state })
    .from(reservations)
    .where(and(eq(reservations.orderId, orderId), inArray(reservations.state, ["held", "sold"])));
  const wasSold = new Set(before.filter((line) => line.state === "sold").map((line) => line.productId));
  const released = await tx.db
    .update(reservations)
    .set({ state: "released", updatedAt: sql`now()` })
    .where(and(eq(reservations.orderId, orderId), inArray(reservations.state, ["held", "sold"])))
    .returning({ productId: reservations.productId, quantity: reservations.quantity });
  // Stock rows are written in product id order, like reserveStock locks them, so they cannot deadlock.
  released.sort((a, b) => (a.productId < b.productId ? -1 : 1));
  for (const { productId, quantity } of released) {
    const [row] = await tx.db
      .update(stock)
      .set({
        available: sql`${stock.available} + ${quantity}`,
        ...(wasSold.has(productId)
          ? { sold: sql`${stock.sold} - ${quantity}` }
          : { reserved: sql`${stock.reserved} - ${quantity}` }),
        ...nextVersion,
      })
      .where(eq(stock.productId, productId))
      .returning(stockLevelColumns);
    if (row) await emitStockChanged(tx, row);
  }
  return released;
}
