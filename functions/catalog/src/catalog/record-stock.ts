/**
 * Keeping the units available of each product as inventory reports them, newest version only.
 */
import type { Tx } from "@shop/runtime";
import { eq, sql } from "drizzle-orm";
import { products, stock } from "../db/schema.ts";

/** A StockChanged as catalog needs it. */
export interface StockChange {
  productId: string;
  available: number;
  /** The product's stock version in inventory; 0 from an inventory older than versions. */
  version: bigint;
}

/**
 * Records that `productId` has `available` units, if this change is newer than the one applied: on
 * the product if it exists, and always in the stock table, from which a product created later starts.
 * A change whose version is not newer than the one applied is stale (it was delivered late: a
 * redelivery, a late sweep, a redriven dead letter) and changes nothing. Returns whether it was applied.
 *
 * A change without a version (0, from an inventory older than versions) is applied only while no
 * versioned one has been, as every change was before; after that it is stale.
 */
export async function recordStock(tx: Tx, change: StockChange, now: Date): Promise<boolean> {
  const available = Math.max(0, change.available);
  const newer = change.version === 0n ? sql`${stock.version} = 0` : sql`${stock.version} < ${change.version}`;
  const applied = await tx.db
    .insert(stock)
    .values({ productId: change.productId, available, version: change.version, updatedAt: now })
    .onConflictDoUpdate({
      target: stock.productId,
      set: { available, version: change.version, updatedAt: now },
      setWhere: newer,
    })
    .returning({ productId: stock.productId });
  if (applied.length === 0) return false;
  // Availability is not part of ProductChanged (orders does not price by it), so no event and no new version.
  await tx.db.update(products).set({ available }).where(eq(products.id, change.productId));
  return true;
}
