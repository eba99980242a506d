/**
 * ProductChanged (catalog): keep the projection carts are named and priced from.
 */
import type { EventContext } from "@shop/runtime";
import type { ProductChanged } from "@shop/schemas/catalog/v1/events";
import { recordProduct } from "../cart/index.ts";
import type { CartDeps } from "../setup.ts";

/** Stores the product's new state unless the projection already has this version or a newer one. */
export async function onProductChanged(
  message: ProductChanged,
  context: EventContext<CartDeps>,
): Promise<boolean> {
  return recordProduct(context, {
    productId: message.productId,
    name: message.name,
    category: message.category,
    price: message.price,
    active: message.active,
    version: message.version,
  });
}
