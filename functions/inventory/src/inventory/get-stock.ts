/**
 * getStock: the stock of one product, for an administrator.
 */
import type { Db } from "@shop/runtime";
import { productIdMissing } from "./errors.ts";
import { readStock, type StockLevel } from "./stock-level.ts";

/**
 * The stock of a product. A product the inventory has never stocked answers zeros, not NotFound:
 * the catalog, not the inventory, knows which products exist, and "none in stock" is the true
 * answer for a product nobody has stocked yet (the same rule reserveStock applies).
 */
export async function getStock(db: Db, input: { productId: string }): Promise<StockLevel> {
  const productId = input.productId.trim();
  if (!productId) throw productIdMissing();
  return readStock(db, productId);
}
