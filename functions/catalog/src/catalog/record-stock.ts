/**
 * Keeping the units available of each product as inventory reports them.
 */
import type { Tx } from "@shop/runtime";
import { eq } from "drizzle-orm";
import { products, stock } from "../db/schema.ts";

/**
 * Records that `productId` has `available` units: on the product if it exists, and always in the
 * stock table, from which a product created later starts.
 */
export async function recordStock(
  tx: Tx,
  change: { productId: string; available: number },
  now: Date,
): Promise<void> {
  const available = Math.max(0, change.available);
  await tx.db
    .insert(stock)
    .values({ productId: change.productId, available, updatedAt: now })
    .onConflictDoUpdate({ target: stock.productId, set: { available, updatedAt: now } });
  // Availability is not part of ProductChanged (orders does not price by it), so no event and no new version.
  await tx.db.update(products).set({ available }).where(eq(products.id, change.productId));
}
