/**
 * sellStock: turns what a confirmed order held into sold units.
 */
import { lockOrder, type Tx } from "@shop/runtime";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { reservations, stock } from "../db/schema.ts";
import { forgottenToken } from "./answers.ts";
import { lockOrderOf, nextVersion } from "./stock-level.ts";

/**
 * Moves the units held for a confirmed order to sold (reserved -= q, sold += q, next version: a
 * SetStock based on the stock before the sale is stale). Available units do not change, so no
 * StockChanged (consumers compare versions, so one that skips a number is fine). Returns the products
 * sold; a second call sells nothing.
 *
 * One statement after the order's lock: the lines move to sold, the payment token is forgotten, and the
 * stock rows of the lines sold are locked in product id order (like reserveStock locks them, so the two
 * cannot deadlock) and then written.
 */
export async function sellStock(tx: Tx, orderId: string): Promise<{ productId: string; quantity: number }[]> {
  await lockOrder(tx, "inventory", orderId);
  const sold = tx.db.$with("sold").as(
    tx.db
      .update(reservations)
      .set({ state: "sold", updatedAt: sql`now()` })
      .where(and(eq(reservations.orderId, orderId), eq(reservations.state, "held")))
      .returning({ productId: reservations.productId, quantity: reservations.quantity }),
  );
  const soldIds = tx.db.select({ productId: sold.productId }).from(sold);
  const locked = tx.db
    .$with("locked")
    .as(
      tx.db
        .select({ productId: stock.productId })
        .from(stock)
        .where(inArray(stock.productId, soldIds))
        .orderBy(lockOrderOf(stock.productId))
        .for("update"),
    );
  // The count (always true) is there for its order: an uncorrelated subquery runs once, before the first
  // row is written, and reads `locked` to its end, so every row is locked in order before any is written.
  const written = tx.db.$with("written").as(
    tx.db
      .update(stock)
      .set({
        reserved: sql`${stock.reserved} - ${sold.quantity}`,
        sold: sql`${stock.sold} + ${sold.quantity}`,
        ...nextVersion,
      })
      .from(sold)
      .where(and(eq(stock.productId, sold.productId), sql`(select count(*) from ${locked}) >= 0`))
      .returning({ productId: stock.productId }),
  );
  const rows = await tx.db
    .with(forgottenToken(tx, orderId), sold, locked, written)
    .select({ productId: sold.productId, quantity: sold.quantity })
    .from(sold)
    .orderBy(asc(sold.productId));
  return rows;
}
