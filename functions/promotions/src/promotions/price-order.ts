/**
 * Pricing a placed order: the saga's step that applies the coupon and the automatic promotions and
 * redeems them.
 */
import type { Db } from "@shop/runtime";
import { eq } from "drizzle-orm";
import { orderOutcomes, redemptions } from "../db/schema.ts";
import { assessCart } from "./assess-cart.ts";
import type { AppliedPromotion, Cart } from "./pricing.ts";
import { describeRejection } from "./reasons.ts";

/** A placed order, as promotions needs it. */
export interface OrderToPrice {
  orderId: string;
  customerId: string;
  cart: Cart;
  /** As typed; empty for none. */
  couponCode: string;
  now: Date;
}

/** What became of the order. */
export type PriceOrderResult =
  /** Priced: `applied` are redeemed for the order; discount ≤ subtotal, total = subtotal − discount. */
  | { outcome: "priced"; applied: AppliedPromotion[]; discount: bigint; total: bigint }
  /** The code cannot be used; nothing is redeemed. `reason` is the sentence for the customer. */
  | { outcome: "rejected"; reason: string }
  /** Seen before (priced, rejected or cancelled): nothing is done, nothing is to be emitted. */
  | { outcome: "already-handled" };

/**
 * Prices an order and redeems what it applies, in the caller's transaction (which also emits the
 * outcome). The order's outcome row is claimed first: a second OrderPlaced for the same order, or
 * one arriving after its cancellation, finds it and does nothing. Limited promotions are locked
 * before their redemptions are counted, so concurrent orders cannot redeem past a limit.
 */
export async function priceOrder(db: Db, order: OrderToPrice): Promise<PriceOrderResult> {
  const claimed = await db
    .insert(orderOutcomes)
    .values({ orderId: order.orderId, customerId: order.customerId, outcome: "priced" })
    .onConflictDoNothing()
    .returning({ orderId: orderOutcomes.orderId });
  if (claimed.length === 0) return { outcome: "already-handled" };

  const { code, rejection, pricing } = await assessCart(db, {
    cart: order.cart,
    couponCode: order.couponCode,
    customerId: order.customerId,
    now: order.now,
    lock: true,
  });
  if (rejection) {
    await db
      .update(orderOutcomes)
      .set({ outcome: "rejected", updatedAt: order.now })
      .where(eq(orderOutcomes.orderId, order.orderId));
    return { outcome: "rejected", reason: describeRejection(code, rejection) };
  }
  if (pricing.applied.length > 0) {
    await db.insert(redemptions).values(
      pricing.applied.map(({ promotion, discount }) => ({
        promotionId: promotion.id,
        orderId: order.orderId,
        customerId: order.customerId,
        discount,
      })),
    );
  }
  return { outcome: "priced", applied: pricing.applied, discount: pricing.discount, total: pricing.total };
}
