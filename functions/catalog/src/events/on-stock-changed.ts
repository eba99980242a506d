/**
 * StockChanged (from inventory): the units available of a product changed.
 */
import type { EventContext } from "@shop/runtime";
import type { StockChanged } from "@shop/schemas/inventory/v1/events";
import { recordStock } from "../catalog/record-stock.ts";
import type { CatalogDeps } from "../setup.ts";

/**
 * Shows the new availability on the product (or keeps it for a product not created yet); a stale
 * change (version not newer) is answered 2xx ("duplicate") and changes nothing: the version makes a
 * redelivery harmless, so the subscription is `idempotent` (no processed-event row).
 */
export async function onStockChanged(
  message: StockChanged,
  context: EventContext<CatalogDeps>,
): Promise<boolean> {
  const { productId, available, version } = message;
  const applied = await recordStock(context, { productId, available, version }, new Date());
  // Only once committed: a read between the clear and the commit would keep the old availability.
  if (applied) context.afterCommit(() => context.deps.readCache.clear());
  return applied;
}
