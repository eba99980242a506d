/**
 * The catalog projection: orders keeps what it needs to price lines from ProductChanged.
 */
import { type Tx, upsertIfNewer } from "@shop/runtime";
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
  changedAt: Date | undefined;
}

/**
 * Stores `product` unless the projection already holds this version or a newer one (events of one
 * product may arrive late or twice). Returns whether it was stored.
 */
export async function recordProduct(tx: Pick<Tx, "db">, product: ProductState): Promise<boolean> {
  const values = {
    productId: product.productId,
    name: product.name,
    category: product.category,
    priceMinor: product.price?.amountMinor ?? 0n,
    currency: product.price?.currency ?? "",
    active: product.active && product.price !== undefined,
    version: product.version,
    changedAt: product.changedAt ?? null,
  };
  return upsertIfNewer(tx.db, products, values, { key: products.productId, version: products.version });
}
