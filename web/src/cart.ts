/**
 * The cart, kept on the server (CartService). A guest's cart is named by the id the shop gave it,
 * kept in localStorage so it survives reloads; at login it is merged into the customer's own cart,
 * which then follows them to every device. This module holds the last cart the shop answered, so
 * the header's count needs no call of its own.
 */
import { Code, ConnectError } from "@connectrpc/connect";
import { type Cart, type CartLine, LineAvailability } from "@shop/schemas/cart/v1/cart";
import { api } from "./api.ts";
import { currentSession } from "./session.ts";

const GUEST_KEY = "shop.cartId";

export type { Cart, CartLine };

let current: Cart | undefined;
const listeners = new Set<() => void>();

/** The guest cart's id in this browser, if a guest filled one. */
export function guestCartId(): string {
  return localStorage.getItem(GUEST_KEY) ?? "";
}

// A logged-in customer names no cart: the shop uses their own.
function cartIdToUse(): string {
  return currentSession() ? "" : guestCartId();
}

/** The cart as the shop last answered it (undefined before the first answer). */
export function cachedCart(): Cart | undefined {
  return current;
}

/** Units in the cart, over all lines. */
export function cartCount(): number {
  return (current?.lines ?? []).reduce((sum, line) => sum + line.quantity, 0);
}

/** The quantity of `productId` in the cart as last seen. */
export function quantityInCart(productId: string): number {
  return current?.lines.find((line) => line.productId === productId)?.quantity ?? 0;
}

/** Whether a line can be bought as it is. */
export function isAvailable(line: CartLine): boolean {
  return line.availability === LineAvailability.AVAILABLE;
}

/** Calls `listener` whenever the cart changes. */
export function onCartChange(listener: () => void): void {
  listeners.add(listener);
}

function keep(cart: Cart | undefined): Cart | undefined {
  current = cart;
  if (cart?.id && !cart.customerId) localStorage.setItem(GUEST_KEY, cart.id);
  for (const listener of listeners) listener();
  return cart;
}

/** Loads the cart from the shop (a guest without a cart gets none: an empty cart). */
export async function loadCart(signal?: AbortSignal): Promise<Cart | undefined> {
  const cartId = cartIdToUse();
  if (!currentSession() && !cartId) return keep(undefined);
  try {
    return keep((await api.cart.getCart({ cartId }, { signal })).cart);
  } catch (error) {
    // A guest cart that is gone (merged on another device) is forgotten; a new one starts on the next add.
    if (cartId && ConnectError.from(error).code === Code.NotFound) {
      localStorage.removeItem(GUEST_KEY);
      return keep(undefined);
    }
    throw error;
  }
}

let changes: Promise<unknown> = Promise.resolve();

// Changes go one after the other: two quick first adds of a guest would otherwise make two carts.
function inTurn<T>(change: () => Promise<T>): Promise<T> {
  const next = changes.then(change, change);
  changes = next.catch(() => undefined);
  return next;
}

/** Adds `quantity` of `productId`; returns the quantity now in the cart. */
export function addToCart(productId: string, quantity = 1): Promise<number> {
  return inTurn(async () => {
    keep((await api.cart.addItem({ cartId: cartIdToUse(), productId, quantity })).cart);
    return quantityInCart(productId);
  });
}

/** Sets the quantity of a line; 0 removes it. */
export function setQuantity(productId: string, quantity: number): Promise<void> {
  return inTurn(async () => {
    keep((await api.cart.setQuantity({ cartId: cartIdToUse(), productId, quantity })).cart);
  });
}

/**
 * Puts the lines of an order that did not go through back as they were ordered (the cart gave them up
 * when the order was placed); a line still there is set, not added to, so it never doubles.
 */
export async function restoreLines(lines: { productId: string; quantity: number }[]): Promise<void> {
  // Read without showing it: the header would flash the emptied cart before the lines are back.
  const { cart } = await api.cart.getCart({ cartId: cartIdToUse() });
  for (const { productId, quantity } of lines) {
    // Looked up first, so the usual case asks nothing the shop refuses (a refusal is a console error).
    if (cart?.lines.some((line) => line.productId === productId)) await setQuantity(productId, quantity);
    else await addToCart(productId, quantity);
  }
}

/**
 * At login, before the session starts: moves the guest cart of this browser into the customer's cart
 * (as the holder of `accessToken`) and forgets it, so the pages the customer sees next already show
 * the merged cart. Merging is idempotent at the shop, so a retried login merges nothing twice.
 */
export async function mergeGuestCart(accessToken: string): Promise<void> {
  const guestCartIdNow = guestCartId();
  if (!guestCartIdNow) return;
  try {
    const headers = { authorization: `Bearer ${accessToken}` };
    keep((await api.cart.mergeCart({ guestCartId: guestCartIdNow }, { headers })).cart);
  } catch (error) {
    // Merged already (on another tab or device): nothing is left to move.
    if (ConnectError.from(error).code !== Code.NotFound) throw error;
  }
  localStorage.removeItem(GUEST_KEY);
}
