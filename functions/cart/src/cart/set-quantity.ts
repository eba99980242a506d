/**
 * SetQuantity: a line's quantity as the user typed it; 0 removes the line.
 */
import type { Tx } from "@shop/runtime";
import { and, eq } from "drizzle-orm";
import { cartLines } from "../db/schema.ts";
import type { CartDeps } from "../setup.ts";
import { openCart, touchCart, type Viewer } from "./access.ts";
import { lineNotFound, productIdMissing, quantityToSetOutOfRange } from "./errors.ts";
import { MAX_QUANTITY } from "./limits.ts";
import { type CartView, viewCart } from "./view.ts";

/** Which line of which cart, its new quantity, and who asks. */
export interface SetQuantityInput {
  cartId: string;
  viewer: Viewer;
  productId: string;
  quantity: number;
}

/**
 * Sets the quantity of the cart's line of `productId` (0 to MAX_QUANTITY; 0 removes it) and returns
 * the cart. A product that is not in the cart is `lineNotFound` (setting 0 of it is nothing to do).
 */
export async function setQuantity(
  tx: Tx,
  input: SetQuantityInput,
  deps: Pick<CartDeps, "now">,
): Promise<CartView> {
  const { productId, quantity } = input;
  if (productId === "") throw productIdMissing();
  if (!Number.isInteger(quantity) || quantity < 0 || quantity > MAX_QUANTITY) {
    throw quantityToSetOutOfRange(productId, quantity, MAX_QUANTITY);
  }
  const now = deps.now();
  const cart = await openCart(tx, { cartId: input.cartId, viewer: input.viewer, createForGuest: false }, now);
  const line = and(eq(cartLines.cartId, cart.id), eq(cartLines.productId, productId));
  const changed =
    quantity === 0
      ? await tx.db.delete(cartLines).where(line).returning()
      : await tx.db.update(cartLines).set({ quantity, changedAt: now }).where(line).returning();
  if (changed.length === 0 && quantity > 0) throw lineNotFound(productId);
  return viewCart(tx.db, changed.length > 0 ? await touchCart(tx, cart, now) : cart);
}
