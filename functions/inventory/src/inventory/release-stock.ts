/**
 * releaseStock: gives back what a cancelled order held, and remembers the cancellation.
 */
import type { Tx } from "@shop/runtime";
import { and, eq, sql } from "drizzle-orm";
import { cancelledOrders, reservations, stock } from "../db/schema.ts";
import { emitStockChanged, lockOrder } from "./stock-level.ts";

/**
 * Releases the units held for a cancelled order (available += q, reserved -= q, StockChanged per
 * product) and records a tombstone so a late OrderPriced of the order reserves nothing. Units
 * already sold stay sold. Returns the products released; a second call releases nothing.
 */
export async function releaseStock(
  orderId: string,
  tx: Tx,
): Promise<{ productId: string; quantity: number }[]> {
  await lockOrder(tx, orderId);
  await tx.db.insert(cancelledOrders).values({ orderId }).onConflictDoNothing();
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
        updatedAt: sql`now()`,
      })
      .where(eq(stock.productId, productId))
      .returning({ available: stock.available });
    if (row) await emitStockChanged(tx, productId, row.available);
  }
  return released;
}
