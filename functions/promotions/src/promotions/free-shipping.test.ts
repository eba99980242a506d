import { describe, expect, it } from "vitest";
import {
  type Cart,
  evaluatePromotion,
  type PricingLine,
  type PromotionRule,
  pricePromotions,
} from "./pricing.ts";

const NOW = new Date("2026-12-01T12:00:00Z");

function line(productId: string, category: string, quantity: number, unitPrice: bigint): PricingLine {
  return { productId, category, quantity, unitPrice, lineTotal: unitPrice * BigInt(quantity) };
}

function cart(lines: PricingLine[], shipping?: bigint | "unknown"): Cart {
  return { lines, currency: "EUR", subtotal: lines.reduce((sum, l) => sum + l.lineTotal, 0n), shipping };
}

function rule(id: string, more: Partial<PromotionRule> = {}): PromotionRule {
  return {
    id,
    name: `Free shipping (${id})`,
    code: null,
    kind: "free_shipping",
    percentOff: null,
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

function percent(id: string, percentOff: number, more: Partial<PromotionRule> = {}): PromotionRule {
  return { ...rule(id), name: `${percentOff}% off`, kind: "percent", percentOff, ...more };
}

describe("free shipping", () => {
  const books = [line("b-1", "books", 2, 1500n), line("t-1", "tea", 1, 2500n)];

  it("makes the shipping charge zero and discounts no line: total = subtotal − discount + shipping", () => {
    const pricing = pricePromotions(cart(books, 490n), [rule("free")], NOW);
    expect(pricing).toMatchObject({ discount: 0n, shipping: 0n, total: 5500n });
    expect(pricing.applied.map((a) => [a.promotion.id, a.discount, a.freeShipping])).toEqual([
      ["free", 0n, true],
    ]);
  });

  it("leaves the shipping charged without a free-shipping promotion, and adds it to the total", () => {
    const pricing = pricePromotions(cart(books, 490n), [percent("ten", 10)], NOW);
    expect(pricing).toMatchObject({ discount: 550n, shipping: 490n, total: 5500n - 550n + 490n });
  });

  it("prices an order that ships nothing as before: no shipping, total = subtotal − discount", () => {
    const pricing = pricePromotions(cart(books), [percent("ten", 10), rule("free")], NOW);
    expect(pricing).toMatchObject({ discount: 550n, shipping: undefined, total: 4950n });
    expect(pricing.applied.map((a) => a.promotion.id)).toEqual(["ten"]);
    expect(evaluatePromotion(rule("free"), cart(books), NOW)).toMatchObject({
      applies: false,
      reason: { kind: "no-shipping" },
    });
  });

  it("applies only from its minimum order, compared with the subtotal (shipping not counted)", () => {
    const from50 = rule("from-50", { minimumOrder: 5000n, currency: "EUR" });
    const small = [line("b-1", "books", 1, 4990n)];
    expect(pricePromotions(cart(small, 490n), [from50], NOW)).toMatchObject({ shipping: 490n, total: 5480n });
    expect(pricePromotions(cart(books, 490n), [from50], NOW)).toMatchObject({ shipping: 0n, total: 5500n });
  });

  it("stacks with a discount on the lines, and is redeemed once when a coupon already made shipping free", () => {
    const coupon = rule("code", { code: "SHIPFREE" });
    const pricing = pricePromotions(cart(books, 1290n), [coupon, percent("ten", 10), rule("auto")], NOW);
    expect(pricing.applied.map((a) => a.promotion.id)).toEqual(["code", "ten"]);
    expect(pricing).toMatchObject({ discount: 550n, shipping: 0n, total: 4950n });
  });

  it("is not redeemed automatically when shipping costs nothing", () => {
    const pricing = pricePromotions(cart(books, 0n), [rule("auto")], NOW);
    expect(pricing.applied).toEqual([]);
    expect(pricing).toMatchObject({ shipping: 0n, total: 5500n });
  });

  it("keeps the line restrictions: it applies only when the order has an eligible line", () => {
    const teaOnly = rule("tea", { category: "TEA" });
    expect(pricePromotions(cart(books, 490n), [teaOnly], NOW).shipping).toBe(0n);
    const noTea = [line("b-1", "books", 1, 1500n)];
    expect(pricePromotions(cart(noTea, 490n), [teaOnly], NOW).shipping).toBe(490n);
  });

  it("applies to a preview whose shipping is not known yet, waiving nothing there", () => {
    const pricing = pricePromotions(cart(books, "unknown"), [rule("code", { code: "SHIPFREE" })], NOW);
    expect(pricing.applied.map((a) => a.promotion.id)).toEqual(["code"]);
    expect(pricing).toMatchObject({ shipping: undefined, total: 5500n });
  });
});
