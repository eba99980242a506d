/**
 * What the inventory's verbs share: the stock of a product as plain data and the StockChanged event.
 */
import { create } from "@bufbuild/protobuf";
import type { Db, Tx } from "@shop/runtime";
import { StockChangedSchema } from "@shop/schemas/inventory/v1/events";
import { eq } from "drizzle-orm";
import { stock } from "../db/schema.ts";

/** The units of one product: available now, held for orders in progress, sold to confirmed orders. */
export interface StockLevel {
  productId: string;
  available: number;
  reserved: number;
  sold: number;
}

/** The stock of `productId`; a product never stocked has none of each. */
export async function readStock(db: Db, productId: string): Promise<StockLevel> {
  const [row] = await db
    .select({
      productId: stock.productId,
      available: stock.available,
      reserved: stock.reserved,
      sold: stock.sold,
    })
    .from(stock)
    .where(eq(stock.productId, productId));
  return row ?? { productId, available: 0, reserved: 0, sold: 0 };
}

/** Emits StockChanged for a product whose available units changed, keyed by the product. */
export async function emitStockChanged(tx: Tx, productId: string, available: number): Promise<void> {
  await tx.emit(StockChangedSchema, create(StockChangedSchema, { productId, available }), { key: productId });
}
