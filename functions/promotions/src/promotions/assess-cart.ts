/**
 * The one place that decides what a cart gets: the typed code (if any) and the automatic
 * promotions, checked against the pricing rules and the redemption limits. Pricing an order and
 * previewing a coupon both go through it, so they can never disagree.
 */
import type { Db } from "@shop/runtime";
import { type Cart, type Pricing, type PromotionRule, pricePromotions } from "./pricing.ts";
import type { CouponRejection } from "./reasons.ts";
import {
  type Candidates,
  countRedemptions,
  findCandidates,
  hasLimit,
  limitReached,
  lockPromotions,
  normalizeCode,
  type PromotionRow,
  toRule,
} from "./store.ts";

/** What to assess. */
export interface CartToAssess {
  cart: Cart;
  /** As typed by the customer; empty for none. */
  couponCode: string;
  /** The customer, for per-customer limits; undefined when unknown (an anonymous preview). */
  customerId: string | undefined;
  now: Date;
  /**
   * Lock the limited promotions' rows before counting their redemptions (the saga, which redeems in
   * the same transaction). A preview does not lock: it redeems nothing.
   */
  lock: boolean;
  /**
   * The candidates for this code and time, when the caller read them already (pricing reads them with
   * its claim of the order, in one statement); else they are read here.
   */
  candidates?: Candidates;
}

/** The outcome: the code as normalised, why it was refused (if it was), and the pricing. */
export interface Assessment {
  code: string;
  /** Set when a code was typed and cannot be used; `pricing` then holds the automatic promotions only. */
  rejection: CouponRejection | undefined;
  pricing: Pricing;
}

/**
 * Assesses a cart. Automatic promotions at a limit are left out silently; the code at a limit is
 * refused. With `lock`, the caller's transaction holds the limited promotions' rows until it ends,
 * so redemptions it then inserts cannot exceed a limit however many orders run at once.
 */
export async function assessCart(db: Db, input: CartToAssess): Promise<Assessment> {
  const { cart, customerId, now } = input;
  const code = normalizeCode(input.couponCode);
  // The code and the automatic promotions in one read.
  const { coupon, automatic } = input.candidates ?? (await findCandidates(db, code, now));
  let rejection: CouponRejection | undefined = code && !coupon ? { kind: "unknown" } : undefined;
  const rows = new Map<string, PromotionRow>(
    [...(coupon ? [coupon] : []), ...automatic].map((row) => [row.id, row]),
  );
  const rules: PromotionRule[] = [...rows.values()].map(toRule);

  const first = pricePromotions(cart, rules, now);
  const couponEvaluation = first.evaluations.find((e) => e.promotion.id === coupon?.id);
  if (couponEvaluation && !couponEvaluation.applies) rejection = couponEvaluation.reason;
  // The saga stops at a refused code; only a preview goes on to show the automatic promotions.
  if (rejection && input.lock) return { code, rejection, pricing: first };

  const usable = new Set(rules.map((rule) => rule.id));
  if (rejection && coupon) usable.delete(coupon.id);
  const limited = first.evaluations
    .filter((e) => e.applies && usable.has(e.promotion.id))
    .map((e) => rows.get(e.promotion.id)!)
    .filter(hasLimit)
    .map((row) => row.id);
  if (input.lock) await lockPromotions(db, limited);
  const counts = await countRedemptions(db, limited, customerId);
  for (const id of limited) {
    const row = rows.get(id)!;
    const reached = limitReached(row, counts.get(id), customerId);
    if (!reached) continue;
    usable.delete(id);
    if (id === coupon?.id) rejection = reached;
  }
  if (rejection && input.lock) return { code, rejection, pricing: first };
  const pricing = pricePromotions(
    cart,
    rules.filter((rule) => usable.has(rule.id)),
    now,
  );
  return { code, rejection, pricing };
}
