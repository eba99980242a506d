/**
 * Pricing a placed order: the saga's step that applies the coupon and the automatic promotions,
 * redeems them, and says how it went (OrderPriced or OrderPricingRejected).
 */
import { create } from "@bufbuild/protobuf";
import { type Db, money, recordProcessed, type ShopCloudEvent, type Tx } from "@shop/runtime";
import type { OrderLine } from "@shop/schemas/orders/v1/orders";
import { OrderPricedSchema, OrderPricingRejectedSchema } from "@shop/schemas/promotions/v1/events";
import { eq, getTableColumns, sql } from "drizzle-orm";
import { orderOutcomes, processedEvents, promotions, redemptions } from "../db/schema.ts";
import { storedAnswer } from "./answer-again.ts";
import { assessCart } from "./assess-cart.ts";
import type { Cart } from "./pricing.ts";
import { describeRejection } from "./reasons.ts";
import { type Candidates, candidatesOf, candidatesOrder, candidatesWhere, normalizeCode } from "./store.ts";

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
  /** The payment token sealed for payments, passed on unchanged in OrderPriced (promotions cannot open it). */
  sealedPaymentToken: string;
  /**
   * Deprecated: a token in clear, only from an OrderPlaced of an order placed before tokens were
   * sealed (passed on so that its saga ends as it began); "" for every other order.
   */
  paymentToken: string;
  /**
   * The OrderPlaced delivery that asks (its source, id and type), when it comes as an event. The
   * first delivery's claim keeps its source and id, so its redelivery is told from a re-ask (the
   * reconciler's, under a new id) without a processed-event row; a re-ask gets one.
   */
  delivery?: Pick<ShopCloudEvent, "source" | "id" | "type">;
}

/** What became of the order; `repeated` when it was answered before and is answered again the same way. */
export type PriceOrderResult =
  /**
   * Priced: `promotions` are redeemed for it; discount ≤ subtotal, `shipping` is what the customer
   * pays for shipping (zero with free shipping; undefined when nothing ships), total = subtotal −
   * discount + shipping.
   */
  | {
      outcome: "priced";
      promotions: string[];
      discount: bigint;
      shipping: bigint | undefined;
      total: bigint;
      repeated: boolean;
    }
  /** The code cannot be used; nothing is redeemed. `reason` is the sentence for the customer. */
  | { outcome: "rejected"; reason: string; repeated: boolean }
  /** The order was cancelled (its tombstone): nothing is done, nothing is emitted. */
  | { outcome: "cancelled" }
  /** A redelivery of an OrderPlaced handled before (`delivery`): nothing is done, nothing is emitted. */
  | { outcome: "duplicate" };

/**
 * Prices an order, redeems what it applies and emits OrderPriced or OrderPricingRejected, all in
 * `tx`. The order's outcome row is claimed first: an OrderPlaced for an order seen before (the
 * reconciler asking again, or a copy) redeems nothing and gets the answer given the first time again
 * (see answer-again.ts), and one arriving after the order's cancellation gets none. Limited
 * promotions are locked before their redemptions are counted, so concurrent orders cannot redeem
 * past a limit.
 */
export async function priceOrder(tx: Tx, order: OrderToPrice): Promise<PriceOrderResult> {
  const candidates = await claim(tx.db, order);
  const result = candidates ? await redeem(tx.db, order, candidates) : await answerAgain(tx, order);
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
      promotions: result.promotions,
      ...(result.shipping !== undefined ? { shipping: amount(result.shipping) } : {}),
      sealedPaymentToken: order.sealedPaymentToken,
      paymentToken: order.paymentToken,
    });
    await tx.emit(OrderPricedSchema, message, { key: orderId });
  }
  return result;
}

/**
 * Claims the order's outcome row and, in the same statement, reads the promotions its cart is
 * assessed against (the coupon typed and the automatic ones: store.ts candidatesWhere). Undefined
 * when promotions has seen the order before (the candidates read then go unused).
 */
async function claim(db: Db, order: OrderToPrice): Promise<Candidates | undefined> {
  const claimed = db.$with("claimed").as(
    db
      .insert(orderOutcomes)
      .values({
        orderId: order.orderId,
        customerId: order.customerId,
        outcome: "priced",
        claimedBySource: order.delivery?.source ?? null,
        claimedById: order.delivery?.id ?? null,
      })
      .onConflictDoNothing()
      .returning({ orderId: orderOutcomes.orderId }),
  );
  const rows = await db
    .with(claimed)
    .select({
      claimed: sql<boolean>`exists (select 1 from ${claimed})`,
      promotion: getTableColumns(promotions),
    })
    .from(sql`(select 1) as asked`)
    .leftJoin(promotions, candidatesWhere(normalizeCode(order.couponCode), order.now))
    .orderBy(...candidatesOrder);
  if (!rows[0]?.claimed) return undefined;
  return candidatesOf(rows.flatMap((row) => (row.promotion ? [row.promotion] : [])));
}

/**
 * The answer stored for an order seen before; the question (lines, subtotal) is the same as then.
 * A redelivery (of the claiming event, or of a re-ask already recorded) is answered nothing.
 */
async function answerAgain(tx: Tx, order: OrderToPrice): Promise<PriceOrderResult> {
  const answer = await storedAnswer(tx.db, order.orderId);
  const { delivery } = order;
  if (delivery) {
    const { claimedBy } = answer;
    if (claimedBy?.source === delivery.source && claimedBy.id === delivery.id)
      return { outcome: "duplicate" };
    if (!(await recordProcessed(tx, processedEvents, delivery))) return { outcome: "duplicate" };
  }
  if (answer.outcome === "cancelled") return { outcome: "cancelled" };
  if (answer.outcome === "rejected") return { outcome: "rejected", reason: answer.reason, repeated: true };
  const { freeShipping, claimedBy: _, ...given } = answer;
  const price = typeof order.cart.shipping === "bigint" ? order.cart.shipping : undefined;
  const shipping = price === undefined ? undefined : freeShipping ? 0n : price;
  return {
    ...given,
    shipping,
    total: order.cart.subtotal - answer.discount + (shipping ?? 0n),
    repeated: true,
  };
}

/** Assesses the claimed order's cart with the limited promotions locked, and records the outcome. */
async function redeem(db: Db, order: OrderToPrice, candidates: Candidates): Promise<PriceOrderResult> {
  const { code, rejection, pricing } = await assessCart(db, {
    candidates,
    cart: order.cart,
    couponCode: order.couponCode,
    customerId: order.customerId,
    now: order.now,
    lock: true,
  });
  if (rejection) {
    const reason = describeRejection(code, rejection);
    await db
      .update(orderOutcomes)
      .set({ outcome: "rejected", reason, updatedAt: order.now })
      .where(eq(orderOutcomes.orderId, order.orderId));
    return { outcome: "rejected", reason, repeated: false };
  }
  if (pricing.applied.length > 0) {
    await db.insert(redemptions).values(
      pricing.applied.map(({ promotion, discount }) => ({
        promotionId: promotion.id,
        orderId: order.orderId,
        customerId: order.customerId,
        discount,
        currency: order.cart.currency,
      })),
    );
  }
  return {
    outcome: "priced",
    promotions: pricing.applied.map(({ promotion }) => promotion.name),
    discount: pricing.discount,
    shipping: pricing.shipping,
    total: pricing.total,
    repeated: false,
  };
}
