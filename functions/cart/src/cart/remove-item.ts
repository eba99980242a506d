/**
 * RemoveItem: a product out of a cart.
 */
import type { Tx } from "@shop/runtime";
import { and, eq } from "drizzle-orm";
import { cartLines } from "../db/schema.ts";
import type { CartDeps } from "../setup.ts";
import { openCart, touchCart, type Viewer } from "./access.ts";
import { productIdMissing } from "./errors.ts";
import { type CartView, viewCart } from "./view.ts";

/** Which product out of which cart, and who asks. */
export interface RemoveItemInput {
  cartId: string;
  viewer: Viewer;
  productId: string;
}

/** Removes the line of `productId` from the cart (nothing to do if it has none) and returns the cart. */
export async function removeItem(
  tx: Tx,
  input: RemoveItemInput,
  deps: Pick<CartDeps, "now">,
): Promise<CartView> {
  if (input.productId === "") throw productIdMissing();
  const now = deps.now();
  const cart = await openCart(tx, { cartId: input.cartId, viewer: input.viewer, createForGuest: false }, now);
  const removed = await tx.db
    .delete(cartLines)
    .where(and(eq(cartLines.cartId, cart.id), eq(cartLines.productId, input.productId)))
    .returning();
  return viewCart(tx.db, removed.length > 0 ? await touchCart(tx, cart, now) : cart);
}
