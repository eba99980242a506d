/**
 * OrderPlaced (orders): the cart the order was placed from gives up what was bought.
 */
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { EventContext } from "@shop/runtime";
import type { OrderPlaced } from "@shop/schemas/orders/v1/events";
import { emptyOrderedCart } from "../cart/index.ts";
import type { CartDeps } from "../setup.ts";

/**
 * Removes the order's lines from its cart, once per order (see emptyOrderedCart). False when that
 * changed nothing (no cart, or the order seen before): the order's claim is its record, so the
 * subscription is `idempotent` and writes no processed-event row.
 */
export async function onOrderPlaced(message: OrderPlaced, context: EventContext<CartDeps>): Promise<boolean> {
  const outcome = await emptyOrderedCart(context, {
    orderId: message.orderId,
    customerId: message.customerId,
    cartId: message.cartId,
    productIds: message.lines.map((line) => line.productId),
    placedAt: message.placedAt ? timestampDate(message.placedAt) : undefined,
    now: context.deps.now(),
  });
  return outcome.kind !== "no-cart" && outcome.kind !== "seen-before";
}
