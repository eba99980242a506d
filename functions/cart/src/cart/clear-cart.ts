/**
 * ClearCart: every line out of a cart.
 */
import type { Tx } from "@shop/runtime";
import { eq } from "drizzle-orm";
import { cartLines } from "../db/schema.ts";
import type { CartDeps } from "../setup.ts";
import { openCart, touchCart, type Viewer } from "./access.ts";
import { type CartView, viewCart } from "./view.ts";

/** Which cart, and who asks. */
export interface ClearCartInput {
  cartId: string;
  viewer: Viewer;
}

/** Removes every line of the cart and returns it, empty. */
export async function clearCart(
  tx: Tx,
  input: ClearCartInput,
  deps: Pick<CartDeps, "now">,
): Promise<CartView> {
  const now = deps.now();
  const cart = await openCart(tx, { ...input, createForGuest: false }, now);
  await tx.db.delete(cartLines).where(eq(cartLines.cartId, cart.id));
  return viewCart(tx.db, await touchCart(tx, cart, now));
}
