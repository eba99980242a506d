/**
 * GetProduct: one product by id.
 */
import type { Db } from "@shop/runtime";
import { eq } from "drizzle-orm";
import { products } from "../db/schema.ts";
import { productNotFound } from "./errors.ts";
import { type Product, productColumns, toProduct } from "./products.ts";

/**
 * The product `id`, inactive ones included (with `active: false`): links from past orders keep
 * working and can say the product is no longer sold. `productNotFound` if there is none.
 */
export async function getProduct(db: Db, id: string): Promise<Product> {
  const [row] = id ? await db.select(productColumns).from(products).where(eq(products.id, id)) : [];
  if (!row) throw productNotFound(id);
  return toProduct(row);
}
