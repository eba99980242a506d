/**
 * ProductChanged (catalog): keep the projection PlaceOrder prices lines from.
 */
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { EventContext } from "@shop/runtime";
import type { ProductChanged } from "@shop/schemas/catalog/v1/events";
import { recordProduct } from "../orders/index.ts";
import type { OrdersDeps } from "../setup.ts";

/** Stores the product's new state unless the projection already has this version or a newer one. */
export async function onProductChanged(
  message: ProductChanged,
  context: EventContext<OrdersDeps>,
): Promise<boolean> {
  return recordProduct(context, {
    productId: message.productId,
    name: message.name,
    category: message.category,
    price: message.price,
    active: message.active,
    version: message.version,
    changedAt: message.changedAt ? timestampDate(message.changedAt) : undefined,
  });
}
