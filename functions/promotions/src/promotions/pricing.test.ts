import { describe, expect, it } from "vitest";
import {
  type Cart,
  evaluatePromotion,
  type PricingLine,
  type PromotionRule,
  pricePromotions,
} from "./pricing.ts";

const NOW = new Date("2026-03-10T12:00:00Z");

function line(productId: string, category: string, quantity: number, unitPrice: bigint): PricingLine {
  return { productId, category, quantity, unitPrice, lineTotal: unitPrice * BigInt(quantity) };
}

function cart(lines: PricingLine[], currency = "EUR"): Cart {
  return { lines, currency, subtotal: lines.reduce((sum, l) => sum + l.lineTotal, 0n) };
}

function percent(id: string, percentOff: number, more: Partial<PromotionRule> = {}): PromotionRule {
  return {
    id,
    name: `${percentOff}% off (${id})`,
    code: null,
    kind: "percent",
    percentOff,
    amountOff: null,
    currency: null,
    minimumOrder: null,
    startsAt: null,
    endsAt: null,
    productIds: [],
    category: null,
    ...more,
  };
}

function amount(id: string, amountOff: bigint, more: Partial<PromotionRule> = {}): PromotionRule {
  return {
    ...percent(id, 1),
    name: `${amountOff} off (${id})`,
    kind: "amount",
    percentOff: null,
    amountOff,
    currency: "EUR",
    ...more,
  };
}

// 2 books at 15.00 + 1 toy at 20.00 = 50.00 EUR
const mixed = cart([line("book-1", "books", 2, 1500n), line("toy-1", "toys", 1, 2000n)]);

describe("one promotion on its own", () => {
  it("takes a percentage of the whole order, rounded down to the minor unit", () => {
    expect(evaluatePromotion(percent("p", 10), mixed, NOW)).toMatchObject({
      applies: true,
      eligible: 5000n,
      discount: 500n,
    });
    const odd = cart([line("a", "x", 1, 999n)]);
    expect(evaluatePromotion(percent("p", 15), odd, NOW)).toMatchObject({ applies: true, discount: 149n });
  });

  it("takes 100 percent as everything eligible", () => {
    expect(evaluatePromotion(percent("p", 100), mixed, NOW)).toMatchObject({ discount: 5000n });
  });

  it("takes a fixed amount, but never more than the eligible amount", () => {
    expect(evaluatePromotion(amount("a", 700n), mixed, NOW)).toMatchObject({ applies: true, discount: 700n });
    expect(evaluatePromotion(amount("a", 9000n), mixed, NOW)).toMatchObject({
      applies: true,
      discount: 5000n,
    });
  });

  it("discounts only the lines of its category", () => {
    const books = percent("p", 50, { category: "books" });
    expect(evaluatePromotion(books, mixed, NOW)).toMatchObject({
      applies: true,
      eligible: 3000n,
      discount: 1500n,
    });
    expect(evaluatePromotion(percent("p", 50, { category: "Books" }), mixed, NOW)).toMatchObject({
      eligible: 3000n,
    });
    expect(evaluatePromotion(amount("a", 2500n, { category: "toys" }), mixed, NOW)).toMatchObject({
      discount: 2000n,
    });
  });

  it("discounts only its products, and only lines passing every restriction", () => {
    expect(evaluatePromotion(percent("p", 10, { productIds: ["toy-1"] }), mixed, NOW)).toMatchObject({
      eligible: 2000n,
      discount: 200n,
    });
    const both = percent("p", 10, { productIds: ["toy-1", "book-1"], category: "books" });
    expect(evaluatePromotion(both, mixed, NOW)).toMatchObject({ eligible: 3000n, discount: 300n });
  });

  it("does not apply when no line is eligible", () => {
    expect(evaluatePromotion(percent("p", 10, { category: "garden" }), mixed, NOW)).toMatchObject({
      applies: false,
      reason: { kind: "no-eligible-line" },
    });
    expect(evaluatePromotion(percent("p", 10, { productIds: ["other"] }), mixed, NOW)).toMatchObject({
      applies: false,
      reason: { kind: "no-eligible-line" },
    });
  });

  it("compares the minimum with the order subtotal, not the eligible amount", () => {
    const minimum = percent("p", 10, { category: "toys", minimumOrder: 5000n, currency: "EUR" });
    expect(evaluatePromotion(minimum, mixed, NOW)).toMatchObject({
      applies: true,
      eligible: 2000n,
      discount: 200n,
    });
    const higher = { ...minimum, minimumOrder: 5001n };
    expect(evaluatePromotion(higher, mixed, NOW)).toMatchObject({
      applies: false,
      reason: { kind: "below-minimum", minimum: 5001n, currency: "EUR" },
    });
  });

  it("does not apply to an order in another currency", () => {
    const usd = cart([line("a", "x", 1, 1000n)], "USD");
    expect(evaluatePromotion(amount("a", 100n), usd, NOW)).toMatchObject({
      applies: false,
      reason: { kind: "currency-mismatch", currency: "EUR" },
    });
    const minimumInEur = percent("p", 10, { minimumOrder: 100n, currency: "EUR" });
    expect(evaluatePromotion(minimumInEur, usd, NOW)).toMatchObject({ applies: false });
    // A percentage without a minimum has no currency: it fits any order.
    expect(evaluatePromotion(percent("p", 10), usd, NOW)).toMatchObject({ applies: true, discount: 100n });
  });

  it("applies from its start and until (not including) its end", () => {
    const start = new Date("2026-03-10T12:00:00Z");
    expect(evaluatePromotion(percent("p", 10, { startsAt: start }), mixed, NOW)).toMatchObject({
      applies: true,
    });
    expect(evaluatePromotion(percent("p", 10, { startsAt: new Date(+start + 1) }), mixed, NOW)).toMatchObject(
      {
        applies: false,
        reason: { kind: "not-started" },
      },
    );
    expect(evaluatePromotion(percent("p", 10, { endsAt: new Date(+NOW + 1) }), mixed, NOW)).toMatchObject({
      applies: true,
    });
    expect(evaluatePromotion(percent("p", 10, { endsAt: NOW }), mixed, NOW)).toMatchObject({
      applies: false,
      reason: { kind: "expired", endsAt: NOW },
    });
  });
});

describe("pricing a cart with several promotions", () => {
  it("gives no discount without promotions", () => {
    expect(pricePromotions(mixed, [], NOW)).toEqual({
      evaluations: [],
      applied: [],
      discount: 0n,
      total: 5000n,
    });
  });

  it("stacks the coupon with every applicable automatic promotion, each on the undiscounted amount", () => {
    const coupon = percent("c", 10, { code: "SAVE10" });
    const books = amount("b", 500n, { category: "books" });
    const garden = percent("g", 50, { category: "garden" });
    const pricing = pricePromotions(mixed, [books, garden, coupon], NOW);
    expect(pricing.applied.map((a) => [a.promotion.id, a.discount])).toEqual([
      ["c", 500n],
      ["b", 500n],
    ]);
    expect(pricing).toMatchObject({ discount: 1000n, total: 4000n });
    expect(pricing.evaluations.map((e) => e.applies)).toEqual([true, false, true]);
  });

  it("caps the total discount at the subtotal, the coupon first", () => {
    const coupon = amount("c", 4000n, { code: "BIG40" });
    const auto1 = percent("a1", 50);
    const auto2 = amount("a2", 300n);
    const pricing = pricePromotions(mixed, [auto1, auto2, coupon], NOW);
    expect(pricing.applied.map((a) => [a.promotion.id, a.discount])).toEqual([
      ["c", 4000n],
      ["a1", 1000n],
    ]);
    expect(pricing).toMatchObject({ discount: 5000n, total: 0n });
  });

  it("applies a coupon worth nothing (rounded down to zero) but leaves out automatic ones that give nothing", () => {
    const tiny = cart([line("a", "x", 1, 50n)]);
    const pricing = pricePromotions(tiny, [percent("c", 1, { code: "ONE" }), percent("a", 1)], NOW);
    expect(pricing.applied.map((a) => [a.promotion.id, a.discount])).toEqual([["c", 0n]]);
    expect(pricing).toMatchObject({ discount: 0n, total: 50n });
  });

  it("never gives a negative total, even for an empty cart", () => {
    const empty = cart([]);
    expect(pricePromotions(empty, [amount("a", 500n)], NOW)).toMatchObject({
      applied: [],
      discount: 0n,
      total: 0n,
    });
  });
});
