/**
 * StockChanged (from inventory): the units available of a product changed.
 */
import type { EventContext } from "@shop/runtime";
import type { StockChanged } from "@shop/schemas/inventory/v1/events";
import { recordStock } from "../catalog/record-stock.ts";
import type { CatalogDeps } from "../setup.ts";

/** Shows the new availability on the product (or keeps it for a product not created yet). */
export async function onStockChanged(
  message: StockChanged,
  context: EventContext<CatalogDeps>,
): Promise<void> {
  await recordStock(context, { productId: message.productId, available: message.available }, new Date());
  // Only once committed: a read between the clear and the commit would keep the old availability.
  context.afterCommit(() => context.deps.readCache.clear());
}
