/**
 * StockChanged (from inventory): the units available of a product changed.
 */
import type { EventContext } from "@shop/runtime";
import type { StockChanged } from "@shop/schemas/inventory/v1/events";
import { readCache } from "../catalog/read-cache.ts";
import { recordStock } from "../catalog/record-stock.ts";

/** Shows the new availability on the product (or keeps it for a product not created yet). */
export async function onStockChanged(message: StockChanged, context: EventContext): Promise<void> {
  await recordStock(context, { productId: message.productId, available: message.available }, new Date());
  context.afterCommit(() => readCache(context.app).clear());
}
