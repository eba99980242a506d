/**
 * reserveStock: holds every line of a priced order, or none of them; the same answer when asked again.
 */
import { lockOrder, type Tx } from "@shop/runtime";
import { and, eq, inArray, sql } from "drizzle-orm";
import { stock } from "../db/schema.ts";
import {
  answerAgain,
  answeredWhere,
  emitRejected,
  emitReserved,
  heldLines,
  knownOrder,
  type PricedOrder,
  type ReservedLine,
  type ReserveOutcome,
  recordAnswer,
} from "./answers.ts";
import {
  emitStockChanged,
  lockOrderOf,
  nextVersion,
  type StockLevel,
  stockLevelColumns,
} from "./stock-level.ts";

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
  const wanted = sumByProduct(order.lines);
  const productIds = [...wanted.keys()].sort();
  const lines = productIds.map((productId) => ({ productId, quantity: wanted.get(productId)!.quantity }));
  if (lines.length === 0) return reserveNothing(tx, order);

  // After the lock, one statement: a cancellation that held it is visible (its tombstone), and so is
  // an earlier answer; a new order's stock is locked, checked and, if every line fits, held and answered.
  const held = await holdAll(tx, order, lines);
  if (held.known) {
    const again = await answerAgain(tx, order);
    // Unreachable while the order is locked: what made it known is still there.
    if (!again) throw new Error(`order ${order.orderId} is known but has no answer`);
    return again;
  }
  if (held.short.length > 0) {
    const short = held.short;
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
  for (const row of held.levels) await emitStockChanged(tx, row);
  await emitReserved(tx, order, lines);
  return { outcome: "reserved", lines, repeated: false };
}

/** An order with no line of one unit or more (orders refuses them): nothing to hold, reserved as is. */
async function reserveNothing(tx: Tx, order: PricedOrder): Promise<ReserveOutcome> {
  const again = await answerAgain(tx, order);
  if (again) return again;
  await recordAnswer(tx, { outcome: "reserved", order, held: [] });
  await emitReserved(tx, order, []);
  return { outcome: "reserved", lines: [], repeated: false };
}

/**
 * Holds every line of a new order, or none, in one statement:
 * - `known`: whether the inventory knows the order already (cancelled, answered or holding lines);
 * - `locked`: a new order's stock rows, locked in product id order and checked (a product without a
 *   row has nothing available);
 * - only when the order is new and every line can be held: the stock rows are written (`written`),
 *   and the lines held and the reservation's answer inserted.
 * Returns whether the order was known (nothing was written), the products short (nothing was
 * written), or the new level of each product.
 */
async function holdAll(
  tx: Tx,
  order: PricedOrder,
  lines: ReservedLine[],
): Promise<{ known: boolean; short: string[]; levels: StockLevel[] }> {
  const productIds = lines.map((line) => line.productId);
  const quantity = sql`(case ${stock.productId} ${sql.join(
    lines.map((line) => sql`when ${line.productId} then ${line.quantity}::integer`),
    sql` `,
  )} end)`;
  const known = tx.db
    .$with("known")
    .as(tx.db.select({ known: knownOrder(order.orderId).as("known") }).from(sql`(select 1) as asked`));
  const isKnown = sql`(select ${known.known} from ${known})`;
  // FOR UPDATE reads each row's latest committed units, after any concurrent writer of it committed.
  const locked = tx.db.$with("locked").as(
    tx.db
      .select({
        productId: stock.productId,
        enough: sql<boolean>`${stock.available} >= ${quantity}`.as("enough"),
      })
      .from(stock)
      .where(and(inArray(stock.productId, productIds), sql`not ${isKnown}`))
      .orderBy(lockOrderOf(stock.productId))
      .for("update"),
  );
  // The decision, once: reading `locked` to its end, it locks and checks every row before any is written
  // (each use below is an uncorrelated subquery, which runs once, before the first row it guards).
  const fit = tx.db.$with("fit").as(
    tx.db
      .select({
        fits: sql<boolean>`(select count(*) from ${locked} where ${locked.enough}) = ${lines.length}`.as(
          "fits",
        ),
      })
      .from(sql`(select 1) as asked`),
  );
  const fits = sql`(select ${fit.fits} from ${fit})`;
  const written = tx.db.$with("written").as(
    tx.db
      .update(stock)
      .set({
        available: sql`${stock.available} - ${quantity}`,
        reserved: sql`${stock.reserved} + ${quantity}`,
        ...nextVersion,
      })
      .where(and(inArray(stock.productId, productIds), fits))
      .returning(stockLevelColumns),
  );
  const held = heldLines(tx, order.orderId, lines, fits);
  const answered = answeredWhere(tx, { outcome: "reserved", order, held: lines }, fits);
  const rows = await tx.db
    .with(known, locked, fit, written, held, answered)
    .select({
      known: known.known,
      productId: locked.productId,
      enough: locked.enough,
      level: {
        productId: written.productId,
        available: written.available,
        reserved: written.reserved,
        sold: written.sold,
        version: written.version,
      },
    })
    .from(known)
    .leftJoin(locked, sql`true`)
    .leftJoin(written, eq(written.productId, locked.productId));
  if (rows[0]?.known) return { known: true, short: [], levels: [] };
  const found = new Map(rows.map((row) => [row.productId, row]));
  const short = productIds.filter((id) => !found.get(id)?.enough);
  if (short.length > 0) return { known: false, short, levels: [] };
  const levels = rows.map((row) => row.level).filter((level) => level !== null);
  // Unreachable while the rows are locked; kept so a broken invariant fails loudly, not silently.
  if (levels.length !== lines.length) throw new Error("stock changed under its lock");
  return { known: false, short: [], levels };
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
