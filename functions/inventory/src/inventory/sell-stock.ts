/**
 * sellStock: turns what a confirmed order held into sold units.
 */
import { lockOrder, type Tx } from "@shop/runtime";
import { and, eq, sql } from "drizzle-orm";
import { reservations, stock } from "../db/schema.ts";
import { forgottenToken } from "./answers.ts";
import { nextVersion } from "./stock-level.ts";

/**
 * Moves the units held for a confirmed order to sold (reserved -= q, sold += q, next version: a
 * SetStock based on the stock before the sale is stale). Available units do not change, so no
 * StockChanged (consumers compare versions, so one that skips a number is fine). Returns the products
 * sold; a second call sells nothing.
 */
export async function sellStock(tx: Tx, orderId: string): Promise<{ productId: string; quantity: number }[]> {
  await lockOrder(tx, "inventory", orderId);
  // The token is forgotten in the same statement (a CTE): one round trip.
  const sold = await tx.db
    .with(forgottenToken(tx, orderId))
    .update(reservations)
    .set({ state: "sold", updatedAt: sql`now()` })
    .where(and(eq(reservations.orderId, orderId), eq(reservations.state, "held")))
    .returning({ productId: reservations.productId, quantity: reservations.quantity });
  sold.sort((a, b) => (a.productId < b.productId ? -1 : 1));
  for (const { productId, quantity } of sold) {
    await tx.db
      .update(stock)
      .set({
        reserved: sql`${stock.reserved} - ${quantity}`,
        sold: sql`${stock.sold} + ${quantity}`,
        ...nextVersion,
      })
      .where(eq(stock.productId, productId));
  }
  return sold;
}
