/**
 * Keeping the units available of each product as inventory reports them, newest version only.
 */
import type { Tx } from "@shop/runtime";
import { and, eq, sql } from "drizzle-orm";
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
export async function recordStock(tx: Pick<Tx, "db">, change: StockChange, now: Date): Promise<boolean> {
  const available = Math.max(0, change.available);
  const newer = change.version === 0n ? sql`${stock.version} = 0` : sql`${stock.version} < ${change.version}`;
  // One statement, so the subscription needs no transaction (autocommit): the product shows the units
  // only when the stock row took them. A concurrent change of the same product waits on the stock row
  // and then compares versions with what committed, as the two statements of a transaction did.
  const applied = tx.db.$with("applied", { productId: stock.productId }).as(
    tx.db
      .insert(stock)
      .values({ productId: change.productId, available, version: change.version, updatedAt: now })
      .onConflictDoUpdate({
        target: stock.productId,
        set: { available, version: change.version, updatedAt: now },
        setWhere: newer,
      })
      .returning({ productId: stock.productId })
      .getSQL(),
  );
  // Availability is not part of ProductChanged (orders does not price by it), so no event and no new version.
  const shown = tx.db.$with("shown", { id: products.id }).as(
    tx.db
      .update(products)
      .set({ available })
      .where(and(eq(products.id, change.productId), sql`exists (select 1 from ${applied})`))
      .returning({ id: products.id })
      .getSQL(),
  );
  const [row] = await tx.db
    .with(applied, shown)
    .select({ applied: sql<boolean>`exists (select 1 from ${applied})`.mapWith(Boolean) })
    .from(sql`(select 1) as one`);
  return row?.applied === true;
}
