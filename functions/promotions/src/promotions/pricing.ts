/**
 * The pricing rules: which promotions apply to a cart and what each takes off. Pure: no database,
 * no clock (the caller passes `now`), so the rules are tested case by case.
 *
 * The rules:
 * - A line is eligible for a promotion when it passes every restriction the promotion has: its
 *   product is one of `productIds` (if any), and its category is `category` (if set, case-insensitive).
 *   The eligible amount is the sum of the eligible lines' totals.
 * - percent: floor(eligible × percent / 100). amount: min(amountOff, eligible).
 * - Not applicable: before `startsAt`, from `endsAt` on, a currency other than the cart's (of the
 *   amount off or of the minimum), a subtotal below `minimumOrder` (the minimum compares the order
 *   subtotal, not the eligible amount), or no eligible line.
 * - Stacking: the coupon (any promotion with a code) and every applicable automatic promotion, each
 *   computed on the undiscounted eligible amount, taken in that order (coupon first, then the
 *   automatic ones in the order given) and capped so the total discount never exceeds the subtotal.
 *   The coupon is applied whenever it applies; an automatic promotion only when it still takes
 *   something off after the cap (otherwise it is not redeemed and not named).
 * - Free shipping: a free-shipping promotion discounts no line; when it applies (the same time,
 *   currency, minimum and line restrictions, and the order ships something) the order's shipping
 *   charge becomes zero. The coupon is applied whenever it applies; an automatic one only when the
 *   shipping is not free already and costs something. An order that ships nothing has no shipping
 *   charge (`shipping` undefined): a free-shipping coupon on it is not applicable.
 * - total = subtotal − discount + shipping charge.
 */

/** One line of an order or cart, amounts in minor units of the cart's currency. */
export interface PricingLine {
  productId: string;
  category: string;
  quantity: number;
  unitPrice: bigint;
  lineTotal: bigint;
}

/** What is priced: its lines, subtotal and currency, and its shipping price. */
export interface Cart {
  lines: PricingLine[];
  subtotal: bigint;
  currency: string;
  /**
   * The shipping option's price in the cart's currency; undefined when the order ships nothing;
   * "unknown" for a preview, which has no shipping yet (free shipping then applies, waiving nothing).
   */
  shipping?: bigint | "unknown" | undefined;
}

/** A promotion as the rules see it (limits are counted by the caller, which holds the redemptions). */
export interface PromotionRule {
  id: string;
  name: string;
  /** Upper-case; null for an automatic promotion. */
  code: string | null;
  kind: "percent" | "amount" | "free_shipping";
  percentOff: number | null;
  amountOff: bigint | null;
  /** The currency of `amountOff` and `minimumOrder`; null for a percent promotion without a minimum. */
  currency: string | null;
  minimumOrder: bigint | null;
  startsAt: Date | null;
  endsAt: Date | null;
  /** Empty = every product. */
  productIds: string[];
  category: string | null;
}

/** Why a promotion does not apply to a cart now. */
export type NotApplicable =
  | { kind: "not-started"; startsAt: Date }
  | { kind: "expired"; endsAt: Date }
  | { kind: "currency-mismatch"; currency: string }
  | { kind: "below-minimum"; minimum: bigint; currency: string }
  | { kind: "no-eligible-line" }
  | { kind: "no-shipping" };

/** Whether one promotion applies to a cart, and what it would take off on its own. */
export type Evaluation =
  | { promotion: PromotionRule; applies: true; eligible: bigint; discount: bigint }
  | { promotion: PromotionRule; applies: false; reason: NotApplicable };

/** A promotion that gives part of the discount, and that part (after the cap). */
export interface AppliedPromotion {
  promotion: PromotionRule;
  /** Off the lines (zero for free shipping). */
  discount: bigint;
  /** Whether it made the shipping free. */
  freeShipping: boolean;
}

/** The result of pricing a cart with a set of promotions. */
export interface Pricing {
  /** One per promotion given, in the order given. */
  evaluations: Evaluation[];
  /** What is applied (and so redeemed), coupon first; their discounts add up to `discount`. */
  applied: AppliedPromotion[];
  discount: bigint;
  /** What the customer pays for shipping: zero with free shipping; undefined when nothing ships (or unknown). */
  shipping: bigint | undefined;
  /** subtotal − discount + shipping, never negative. */
  total: bigint;
}

/** Whether `promotion` applies to `cart` at `now`, and its discount on its own (before stacking). */
export function evaluatePromotion(promotion: PromotionRule, cart: Cart, now: Date): Evaluation {
  const notApplicable = (reason: NotApplicable): Evaluation => ({ promotion, applies: false, reason });
  if (promotion.startsAt && now < promotion.startsAt) {
    return notApplicable({ kind: "not-started", startsAt: promotion.startsAt });
  }
  if (promotion.endsAt && now >= promotion.endsAt)
    return notApplicable({ kind: "expired", endsAt: promotion.endsAt });
  if (promotion.currency !== null && promotion.currency !== cart.currency) {
    return notApplicable({ kind: "currency-mismatch", currency: promotion.currency });
  }
  if (promotion.minimumOrder !== null && cart.subtotal < promotion.minimumOrder) {
    return notApplicable({ kind: "below-minimum", minimum: promotion.minimumOrder, currency: cart.currency });
  }
  const eligibleLines = cart.lines.filter((line) => isEligible(promotion, line));
  if (eligibleLines.length === 0) return notApplicable({ kind: "no-eligible-line" });
  if (promotion.kind === "free_shipping" && cart.shipping === undefined) {
    return notApplicable({ kind: "no-shipping" });
  }
  const eligible = eligibleLines.reduce((sum, line) => sum + line.lineTotal, 0n);
  return { promotion, applies: true, eligible, discount: discountOf(promotion, eligible) };
}

/**
 * Prices `cart` with `promotions` at `now` by the rules above: each promotion's evaluation, what is
 * applied, the total discount (capped at the subtotal) and the total.
 */
export function pricePromotions(cart: Cart, promotions: PromotionRule[], now: Date): Pricing {
  const evaluations = promotions.map((promotion) => evaluatePromotion(promotion, cart, now));
  const applicable = evaluations.filter((e) => e.applies);
  // The coupon goes first so the cap never eats the discount the customer typed a code for.
  const ordered = [
    ...applicable.filter((e) => e.promotion.code !== null),
    ...applicable.filter((e) => e.promotion.code === null),
  ];
  const subtotal = cart.subtotal > 0n ? cart.subtotal : 0n;
  let remaining = subtotal;
  let shippingFree = false;
  const applied: AppliedPromotion[] = [];
  for (const evaluation of ordered) {
    const coupon = evaluation.promotion.code !== null;
    if (evaluation.promotion.kind === "free_shipping") {
      // An automatic one is redeemed only when it waives something not already waived.
      if (!coupon && (shippingFree || cart.shipping === 0n)) continue;
      applied.push({ promotion: evaluation.promotion, discount: 0n, freeShipping: true });
      shippingFree = true;
      continue;
    }
    const discount = evaluation.discount < remaining ? evaluation.discount : remaining;
    if (discount === 0n && !coupon) continue;
    applied.push({ promotion: evaluation.promotion, discount, freeShipping: false });
    remaining -= discount;
  }
  const discount = subtotal - remaining;
  const shipping = typeof cart.shipping === "bigint" ? (shippingFree ? 0n : cart.shipping) : undefined;
  return { evaluations, applied, discount, shipping, total: subtotal - discount + (shipping ?? 0n) };
}

function isEligible(promotion: PromotionRule, line: PricingLine): boolean {
  if (promotion.productIds.length > 0 && !promotion.productIds.includes(line.productId)) return false;
  if (promotion.category !== null && promotion.category.toLowerCase() !== line.category.toLowerCase())
    return false;
  return true;
}

function discountOf(promotion: PromotionRule, eligible: bigint): bigint {
  if (eligible <= 0n || promotion.kind === "free_shipping") return 0n;
  if (promotion.kind === "percent") return (eligible * BigInt(promotion.percentOff ?? 0)) / 100n;
  const amountOff = promotion.amountOff ?? 0n;
  return amountOff < eligible ? amountOff : eligible;
}
