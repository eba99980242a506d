/**
 * What the inventory's verbs share: the stock of a product as plain data, the per-order lock and
 * the StockChanged event.
 */
import { create } from "@bufbuild/protobuf";
import type { Tx } from "@shop/runtime";
import { StockChangedSchema } from "@shop/schemas/inventory/v1/events";
import { eq, sql } from "drizzle-orm";
import { stock } from "../db/schema.ts";

/** The units of one product: available now, held for orders in progress, sold to confirmed orders. */
export interface StockLevel {
  productId: string;
  available: number;
  reserved: number;
  sold: number;
}

/** The stock of `productId`; a product never stocked has none of each. */
export async function readStock(tx: Pick<Tx, "db">, productId: string): Promise<StockLevel> {
  const [row] = await tx.db
    .select({
      productId: stock.productId,
      available: stock.available,
      reserved: stock.reserved,
      sold: stock.sold,
    })
    .from(stock)
    .where(eq(stock.productId, productId));
  return row ?? { productId, available: 0, reserved: 0, sold: 0 };
}

/**
 * Serialises everything the inventory does for one order (reserve, release, sell) until the
 * transaction ends. The triggers of OrderPriced and OrderCancelled are separate consumers, so both
 * events of an order can be handled at once; without this, a cancellation could look for a
 * reservation that a concurrent OrderPriced has not committed yet and leave its units held forever.
 * Always taken before any stock row lock, and only one per transaction, so it cannot deadlock.
 */
export async function lockOrder(tx: Pick<Tx, "db">, orderId: string): Promise<void> {
  await tx.db.execute(sql`select pg_advisory_xact_lock(hashtext('inventory.order'), hashtext(${orderId}))`);
}

/** Emits StockChanged for a product whose available units changed, keyed by the product. */
export async function emitStockChanged(tx: Tx, productId: string, available: number): Promise<void> {
  await tx.emit(StockChangedSchema, create(StockChangedSchema, { productId, available }), { key: productId });
}
