/**
 * The catalog projection: cart keeps what it names and prices lines with, from ProductChanged.
 */
import type { Tx } from "@shop/runtime";
import { sql } from "drizzle-orm";
import { products } from "../db/schema.ts";

/** A product's new state as the catalog announced it. */
export interface ProductState {
  productId: string;
  name: string;
  category: string;
  /** Undefined when the catalog sent no price: the product is then not for sale. */
  price: { amountMinor: bigint; currency: string } | undefined;
  active: boolean;
  version: bigint;
}

/**
 * Stores `product` unless the projection already holds this version or a newer one (events of one
 * product may arrive late or twice). Returns whether it was stored.
 */
export async function recordProduct(tx: Pick<Tx, "db">, product: ProductState): Promise<boolean> {
  const stored = await tx.db
    .insert(products)
    .values({
      productId: product.productId,
      name: product.name,
      category: product.category,
      priceMinor: product.price?.amountMinor ?? 0n,
      currency: product.price?.currency ?? "",
      active: product.active && product.price !== undefined,
      version: product.version,
    })
    .onConflictDoUpdate({
      target: products.productId,
      set: {
        name: sql`excluded.name`,
        category: sql`excluded.category`,
        priceMinor: sql`excluded.price_minor`,
        currency: sql`excluded.currency`,
        active: sql`excluded.active`,
        version: sql`excluded.version`,
      },
      setWhere: sql`${products.version} < excluded.version`,
    })
    .returning({ productId: products.productId });
  return stored.length > 0;
}
