/**
 * reserveStock: holds every line of a priced order, or none of them; the same answer when asked again.
 */
import { lockOrder, type Tx } from "@shop/runtime";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { stock } from "../db/schema.ts";
import {
  answerAgain,
  emitRejected,
  emitReserved,
  type PricedOrder,
  type ReserveOutcome,
  recordAnswer,
} from "./answers.ts";
import { emitStockChanged, nextVersion, stockLevelColumns } from "./stock-level.ts";

/**
 * Reserves the order's units: either every line is held (StockReserved, and StockChanged with the
 * product's next version for each product) or nothing is (StockRejected naming the products short).
 * A product without a stock row has nothing available. The answer is kept: an OrderPriced of the same
 * order asked again (a new event id) gets the same event again and changes no stock; a cancelled
 * order gets nothing. Safe under concurrent orders: the stock rows are locked in product id order and
 * checked before any is written, so the same units are never held twice and a rejected order writes
 * nothing but its answer and its event.
 */
export async function reserveStock(tx: Tx, order: PricedOrder): Promise<ReserveOutcome> {
  await lockOrder(tx, "inventory", order.orderId);
  // After the lock: a cancellation that held it is visible (its tombstone), and so is an earlier answer.
  const again = await answerAgain(tx, order);
  if (again) return again;

  const wanted = sumByProduct(order.lines);
  const productIds = [...wanted.keys()].sort();
  const locked =
    productIds.length === 0
      ? []
      : await tx.db
          .select({ productId: stock.productId, available: stock.available })
          .from(stock)
          .where(inArray(stock.productId, productIds))
          .orderBy(asc(stock.productId))
          .for("update");
  const available = new Map(locked.map((row) => [row.productId, row.available]));
  const short = productIds.filter((id) => (available.get(id) ?? 0) < wanted.get(id)!.quantity);

  if (short.length > 0) {
    const reason = outOfStockReason(short.map((id) => wanted.get(id)!.name));
    await recordAnswer(tx, { outcome: "rejected", order, reason, productIds: short });
    await emitRejected(tx, {
      orderId: order.orderId,
      customerId: order.customerId,
      reason,
      productIds: short,
    });
    return { outcome: "rejected", reason, productIds: short, repeated: false };
  }

  const lines = productIds.map((productId) => ({ productId, quantity: wanted.get(productId)!.quantity }));
  for (const { productId, quantity } of lines) {
    const [row] = await tx.db
      .update(stock)
      .set({
        available: sql`${stock.available} - ${quantity}`,
        reserved: sql`${stock.reserved} + ${quantity}`,
        ...nextVersion,
      })
      .where(and(eq(stock.productId, productId), sql`${stock.available} >= ${quantity}`))
      .returning(stockLevelColumns);
    // Unreachable while the rows are locked; kept so a broken invariant fails loudly, not silently.
    if (!row) throw new Error(`stock of ${productId} changed under its lock`);
    await emitStockChanged(tx, row);
  }
  // The lines held and the answer in one statement.
  await recordAnswer(tx, { outcome: "reserved", order, held: lines });
  await emitReserved(tx, order, lines);
  return { outcome: "reserved", lines, repeated: false };
}

/** Quantities per product (an order may list a product twice), with the name to tell the customer. */
function sumByProduct(lines: PricedOrder["lines"]): Map<string, { quantity: number; name: string }> {
  const sums = new Map<string, { quantity: number; name: string }>();
  for (const line of lines) {
    // orders refuses quantities below 1; a line of nothing has nothing to hold.
    if (line.quantity < 1) continue;
    const sum = sums.get(line.productId);
    if (sum) sum.quantity += line.quantity;
    else sums.set(line.productId, { quantity: line.quantity, name: line.productName || line.productId });
  }
  return sums;
}

/** "Sorry, Blue Mug is out of stock." / "Sorry, Blue Mug, Red Pen and Tea are out of stock." */
export function outOfStockReason(names: string[]): string {
  if (names.length === 1) return `Sorry, ${names[0]} is out of stock.`;
  return `Sorry, ${names.slice(0, -1).join(", ")} and ${names.at(-1)} are out of stock.`;
}
