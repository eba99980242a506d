/**
 * StockChanged (inventory): keep the projection cart lines are marked from.
 */
import type { EventContext } from "@shop/runtime";
import type { StockChanged } from "@shop/schemas/inventory/v1/events";
import { recordStock } from "../cart/index.ts";
import type { CartDeps } from "../setup.ts";

/** Stores the product's units available unless the projection already has this version or a newer one. */
export async function onStockChanged(
  message: StockChanged,
  context: EventContext<CartDeps>,
): Promise<boolean> {
  const { productId, available, version } = message;
  return recordStock(context, { productId, available, version });
}
