/**
 * What the inventory's verbs share: the stock of a product as plain data, its version, and the
 * StockChanged event.
 */
import { create } from "@bufbuild/protobuf";
import type { Db, Tx } from "@shop/runtime";
import { StockChangedSchema } from "@shop/schemas/inventory/v1/events";
import { eq, sql } from "drizzle-orm";
import { stock } from "../db/schema.ts";

/**
 * The units of one product: available now, held for orders in progress, sold to confirmed orders;
 * and the version of this stock, which grows with every change of it.
 */
export interface StockLevel {
  productId: string;
  available: number;
  reserved: number;
  sold: number;
  version: bigint;
}

/** The columns a StockLevel is read from (`.returning(stockLevelColumns)` after a write). */
export const stockLevelColumns = {
  productId: stock.productId,
  available: stock.available,
  reserved: stock.reserved,
  sold: stock.sold,
  version: stock.version,
};

/**
 * What every write of a stock row sets besides its units: the next version (so each change, in its
 * own transaction, is numbered after the one before) and the time.
 */
export const nextVersion = { version: sql`${stock.version} + 1`, updatedAt: sql`now()` };

/**
 * The order stock rows are locked in, by every verb that writes several (reserve, sell, release), so
 * two cannot deadlock: product ids byte by byte (collation "C"), as JavaScript's `<` sorts them in
 * releaseStock, whatever the database's default collation.
 */
export function lockOrderOf(productId: typeof stock.productId) {
  return sql`${productId} collate "C"`;
}

/** The stock of `productId`; a product never stocked has none of each, at version 0. */
export async function readStock(db: Db, productId: string): Promise<StockLevel> {
  const [row] = await db.select(stockLevelColumns).from(stock).where(eq(stock.productId, productId));
  return row ?? { productId, available: 0, reserved: 0, sold: 0, version: 0n };
}

/** Emits StockChanged for a product whose available units changed, with its new version, keyed by the product. */
export async function emitStockChanged(
  tx: Tx,
  change: { productId: string; available: number; version: bigint },
): Promise<void> {
  await tx.emit(StockChangedSchema, create(StockChangedSchema, change), { key: change.productId });
}
