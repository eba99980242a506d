/**
 * The limits of a cart and the shape of its id, in one place (the README names them).
 */
import { randomBytes } from "node:crypto";

/** The most units of one product a cart line may hold. */
export const MAX_QUANTITY = 99;

/** The most different products one cart may hold. */
export const MAX_LINES = 50;

// 128 random bits, base64url without padding: 22 characters nobody can guess.
const CART_ID = /^[A-Za-z0-9_-]{22}$/;

/** A new cart id: 128 random bits, base64url. */
export function newCartId(): string {
  return randomBytes(16).toString("base64url");
}

/** Whether `id` has the shape of a cart id (says nothing about whether the cart exists). */
export function isCartId(id: string): boolean {
  return CART_ID.test(id);
}
