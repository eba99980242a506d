/**
 * getStock: the stock of one product, for an administrator.
 */
import type { Tx } from "@shop/runtime";
import { InvalidStockError } from "./errors.ts";
import { readStock, type StockLevel } from "./stock-level.ts";

/**
 * The stock of a product. A product the inventory has never stocked answers zeros, not NotFound:
 * the catalog, not the inventory, knows which products exist, and "none in stock" is the true
 * answer for a product nobody has stocked yet (the same rule reserveStock applies).
 */
export async function getStock(input: { productId: string }, tx: Pick<Tx, "db">): Promise<StockLevel> {
  const productId = input.productId.trim();
  if (!productId) throw new InvalidStockError("Please say which product (product_id is empty).");
  return readStock(tx, productId);
}
