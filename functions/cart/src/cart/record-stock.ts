/**
 * The stock projection: the units available of each product as inventory reports them, newest only.
 */
import type { Tx } from "@shop/runtime";
import { sql } from "drizzle-orm";
import { stock } from "../db/schema.ts";

/** A StockChanged as cart needs it. */
export interface StockChange {
  productId: string;
  available: number;
  /** The product's stock version in inventory; 0 from an inventory older than versions. */
  version: bigint;
}

/**
 * Records that `productId` has `available` units if this change is newer than the one applied (a
 * redelivery, a late sweep or a redriven dead letter is not, and changes nothing). A change without a
 * version (0) is applied only while no versioned one has been, as catalog does. Returns whether it was.
 */
export async function recordStock(tx: Pick<Tx, "db">, change: StockChange): Promise<boolean> {
  const available = Math.max(0, change.available);
  const newer = change.version === 0n ? sql`${stock.version} = 0` : sql`${stock.version} < ${change.version}`;
  const applied = await tx.db
    .insert(stock)
    .values({ productId: change.productId, available, version: change.version })
    .onConflictDoUpdate({
      target: stock.productId,
      set: { available, version: change.version },
      setWhere: newer,
    })
    .returning({ productId: stock.productId });
  return applied.length > 0;
}
