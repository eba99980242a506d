/**
 * setStock: an administrator says how many units of a product can be sold from now on.
 */
import type { Tx } from "@shop/runtime";
import { sql } from "drizzle-orm";
import { stock } from "../db/schema.ts";
import { invalidAvailable, productIdMissing } from "./errors.ts";
import { emitStockChanged, type StockLevel } from "./stock-level.ts";

/** The most units of one product the shop keeps: an int32, as in the contract. */
export const MAX_UNITS = 2_147_483_647;

/**
 * Sets the available units of a product (creating its stock the first time) and emits
 * StockChanged. Units held for orders in progress and units sold are kept as they are: they are
 * already promised to customers.
 */
export async function setStock(tx: Tx, input: { productId: string; available: number }): Promise<StockLevel> {
  const productId = input.productId.trim();
  if (!productId) throw productIdMissing();
  if (!Number.isInteger(input.available) || input.available < 0 || input.available > MAX_UNITS) {
    throw invalidAvailable(input.available);
  }
  const [row] = await tx.db
    .insert(stock)
    .values({ productId, available: input.available })
    .onConflictDoUpdate({
      target: stock.productId,
      set: { available: input.available, updatedAt: sql`now()` },
    })
    .returning({
      productId: stock.productId,
      available: stock.available,
      reserved: stock.reserved,
      sold: stock.sold,
    });
  await emitStockChanged(tx, productId, row!.available);
  return row!;
}
