/**
 * releaseStock: gives back what a cancelled order held, and remembers the cancellation.
 */
import { lockOrder, markCancelled, type Tx } from "@shop/runtime";
import { and, eq, sql } from "drizzle-orm";
import { cancelledOrders, reservations, stock } from "../db/schema.ts";
import { forgetPaymentToken } from "./answers.ts";
import { emitStockChanged, nextVersion, stockLevelColumns } from "./stock-level.ts";

/**
 * Releases the units held for a cancelled order (available += q, reserved -= q, next version,
 * StockChanged per product) and records a tombstone so a late OrderPriced of the order reserves nothing. Units
 * already sold stay sold. Returns the products released; a second call releases nothing.
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
  const released = await tx.db
    .update(reservations)
    .set({ state: "released", updatedAt: sql`now()` })
    .where(and(eq(reservations.orderId, orderId), eq(reservations.state, "held")))
    .returning({ productId: reservations.productId, quantity: reservations.quantity });
  // Stock rows are written in product id order, like reserveStock locks them, so they cannot deadlock.
  released.sort((a, b) => (a.productId < b.productId ? -1 : 1));
  for (const { productId, quantity } of released) {
    const [row] = await tx.db
      .update(stock)
      .set({
        available: sql`${stock.available} + ${quantity}`,
        reserved: sql`${stock.reserved} - ${quantity}`,
        ...nextVersion,
      })
      .where(eq(stock.productId, productId))
      .returning(stockLevelColumns);
    if (row) await emitStockChanged(tx, row);
  }
  return released;
}
