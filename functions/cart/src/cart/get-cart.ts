/**
 * GetCart: the cart named, or the logged-in caller's own.
 */
import type { Db } from "@shop/runtime";
import { findCart, type Viewer } from "./access.ts";
import { type CartView, viewCart } from "./view.ts";

/** Which cart, and who asks. */
export interface GetCartInput {
  cartId: string;
  viewer: Viewer;
}

/**
 * The view of the cart `cartId` names (or the viewer's own when empty: an empty cart without id when
 * they have none yet). Another customer's cart reads as not found.
 */
export async function getCart(db: Db, { cartId, viewer }: GetCartInput): Promise<CartView> {
  const cart = await findCart(db, cartId, viewer);
  return viewCart(db, cart, cart ? undefined : (viewer?.userId ?? ""));
}
