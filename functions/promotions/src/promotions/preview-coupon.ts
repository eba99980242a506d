/**
 * Previewing a code on a cart: what it would take off, without redeeming anything.
 */
import type { Db } from "@shop/runtime";
import { assessCart } from "./assess-cart.ts";
import { invalidRequest } from "./errors.ts";
import type { Cart } from "./pricing.ts";
import { describeRejection } from "./reasons.ts";

/** A code and the cart to try it on. */
export interface CouponPreviewRequest {
  code: string;
  cart: Cart;
  /** The logged-in customer, for the per-customer limit; undefined for an anonymous preview. */
  customerId: string | undefined;
  now: Date;
}

/** What the cart would cost: with the code when `valid`, else with the automatic promotions only. */
export interface CouponPreview {
  valid: boolean;
  /** Why the code cannot be used, for the customer; empty when valid. */
  reason: string;
  subtotal: bigint;
  discount: bigint;
  total: bigint;
  /** Names of the promotions giving the discount. */
  promotions: string[];
}

/**
 * Previews `code` on a cart by the same rules and limits as the saga. Reads only: nothing is
 * redeemed or locked, so the answer may change by the time the order is placed.
 */
export async function previewCoupon(db: Db, request: CouponPreviewRequest): Promise<CouponPreview> {
  if (request.code.trim() === "") throw invalidRequest("Please enter a code.");
  const { code, rejection, pricing } = await assessCart(db, {
    // A cart has no shipping yet: a free-shipping code shows as valid, waiving what shipping will cost.
    cart: { ...request.cart, shipping: "unknown" },
    couponCode: request.code,
    customerId: request.customerId,
    now: request.now,
    lock: false,
  });
  return {
    valid: rejection === undefined,
    reason: rejection ? describeRejection(code, rejection) : "",
    subtotal: request.cart.subtotal,
    discount: pricing.discount,
    total: pricing.total,
    promotions: pricing.applied.map(({ promotion }) => promotion.name),
  };
}
