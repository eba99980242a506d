/**
 * Pricing a placed order: the saga's step that applies the coupon and the automatic promotions,
 * redeems them, and says how it went (OrderPriced or OrderPricingRejected).
 */
import { create } from "@bufbuild/protobuf";
import { money, type Tx } from "@shop/runtime";
import type { OrderLine } from "@shop/schemas/orders/v1/orders";
import { OrderPricedSchema, OrderPricingRejectedSchema } from "@shop/schemas/promotions/v1/events";
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
  /** When the order was placed: promotions are judged then, however late the event comes. */
  now: Date;
  /** The order's lines as placed, passed on unchanged in OrderPriced. */
  lines: OrderLine[];
  /** The customer's payment method, passed on unchanged in OrderPriced for payments. */
  paymentToken: string;
}

/** What became of the order. */
export type PriceOrderResult =
  /** Priced: `applied` are redeemed for the order; discount ≤ subtotal, total = subtotal − discount. */
  | { outcome: "priced"; applied: AppliedPromotion[]; discount: bigint; total: bigint }
  /** The code cannot be used; nothing is redeemed. `reason` is the sentence for the customer. */
  | { outcome: "rejected"; reason: string }
  /** Seen before (priced, rejected or cancelled): nothing is done, nothing is emitted. */
  | { outcome: "already-handled" };

/**
 * Prices an order, redeems what it applies and emits OrderPriced or OrderPricingRejected, all in
 * `tx`. The order's outcome row is claimed first: a second OrderPlaced for the same order, or one
 * arriving after its cancellation, finds it and does nothing. Limited promotions are locked before
 * their redemptions are counted, so concurrent orders cannot redeem past a limit.
 */
export async function priceOrder(tx: Tx, order: OrderToPrice): Promise<PriceOrderResult> {
  const result = await redeem(tx, order);
  const { orderId, customerId } = order;
  if (result.outcome === "rejected") {
    const message = create(OrderPricingRejectedSchema, { orderId, customerId, reason: result.reason });
    await tx.emit(OrderPricingRejectedSchema, message, { key: orderId });
  } else if (result.outcome === "priced") {
    const amount = (amountMinor: bigint) => money(amountMinor, order.cart.currency);
    const message = create(OrderPricedSchema, {
      orderId,
      customerId,
      lines: order.lines,
      subtotal: amount(order.cart.subtotal),
      discount: amount(result.discount),
      total: amount(result.total),
      promotions: result.applied.map(({ promotion }) => promotion.name),
      paymentToken: order.paymentToken,
    });
    await tx.emit(OrderPricedSchema, message, { key: orderId });
  }
  return result;
}

/** Claims the order, assesses its cart with the limited promotions locked, and records the outcome. */
async function redeem({ db }: Pick<Tx, "db">, order: OrderToPrice): Promise<PriceOrderResult> {
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
