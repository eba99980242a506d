/**
 * AddItem: more of a product in a cart, creating a guest cart for a guest who has none.
 */
import type { Tx } from "@shop/runtime";
import { and, eq } from "drizzle-orm";
import { cartLines, products } from "../db/schema.ts";
import type { CartDeps } from "../setup.ts";
import { openCart, touchCart, type Viewer } from "./access.ts";
import {
  productIdMissing,
  productNotForSale,
  quantityOutOfRange,
  tooManyLines,
  tooManyOfProduct,
} from "./errors.ts";
import { MAX_LINES, MAX_QUANTITY } from "./limits.ts";
import { type CartView, viewCart } from "./view.ts";

/** What to add to which cart, and who asks. */
export interface AddItemInput {
  cartId: string;
  viewer: Viewer;
  productId: string;
  quantity: number;
}

/**
 * Adds `quantity` of `productId` to the cart (a product for sale; at most MAX_QUANTITY per line and
 * MAX_LINES lines) and returns the cart. An empty `cartId` means the caller's own cart, or a new guest
 * cart for a guest.
 */
export async function addItem(tx: Tx, input: AddItemInput, deps: Pick<CartDeps, "now">): Promise<CartView> {
  const { productId, quantity } = input;
  if (productId === "") throw productIdMissing();
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY) {
    throw quantityOutOfRange(productId, quantity, MAX_QUANTITY);
  }
  // Checked before a guest cart is created, so that a refused add leaves nothing behind.
  const [product] = await tx.db.select().from(products).where(eq(products.productId, productId));
  if (!product?.active) throw productNotForSale(productId);
  const now = deps.now();
  const cart = await openCart(tx, { cartId: input.cartId, viewer: input.viewer, createForGuest: true }, now);
  const lines = await tx.db.select().from(cartLines).where(eq(cartLines.cartId, cart.id));
  const existing = lines.find((line) => line.productId === productId);
  if (existing) {
    if (existing.quantity + quantity > MAX_QUANTITY) {
      throw tooManyOfProduct(productId, existing.quantity, MAX_QUANTITY);
    }
    await tx.db
      .update(cartLines)
      .set({ quantity: existing.quantity + quantity, changedAt: now })
      .where(and(eq(cartLines.cartId, cart.id), eq(cartLines.productId, productId)));
  } else {
    if (lines.length >= MAX_LINES) throw tooManyLines(MAX_LINES);
    await tx.db.insert(cartLines).values({ cartId: cart.id, productId, quantity, changedAt: now });
  }
  return viewCart(tx.db, await touchCart(tx, cart, now));
}
