/**
 * Converting between the PromotionService messages and the verbs' plain data.
 */
import { create } from "@bufbuild/protobuf";
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { money } from "@shop/runtime";
import type { Money } from "@shop/schemas/common/v1/money";
import { type CartLine, type Promotion, PromotionSchema } from "@shop/schemas/promotions/v1/promotions";
import type { MoneyInput, PromotionInput, PromotionView } from "../promotions/create-promotion.ts";
import { invalidRequest } from "../promotions/errors.ts";
import type { Cart } from "../promotions/pricing.ts";

/** The cart of a ValidateCoupon request; every line must be in one currency. */
export function cartOf(lines: CartLine[]): Cart {
  if (lines.length > 200) throw invalidRequest("A cart may have at most 200 lines.");
  const currencies = new Set(lines.map((line) => line.unitPrice?.currency ?? ""));
  if (currencies.size > 1) throw invalidRequest("Every line of the cart must be in the same currency.");
  const [currency = ""] = currencies;
  const cartLines = lines.map((line) => {
    if (!line.productId) throw invalidRequest("Every line of the cart needs a product.");
    if (line.quantity < 1) throw invalidRequest("The quantity of every line must be at least 1.");
    const unitPrice = line.unitPrice?.amountMinor ?? 0n;
    if (unitPrice < 0n) throw invalidRequest("A price cannot be negative.");
    return {
      productId: line.productId,
      category: line.category,
      quantity: line.quantity,
      unitPrice,
      lineTotal: unitPrice * BigInt(line.quantity),
    };
  });
  return { lines: cartLines, currency, subtotal: cartLines.reduce((sum, line) => sum + line.lineTotal, 0n) };
}

/** The verb's input of a CreatePromotion request. */
export function promotionInput(promotion: Promotion | undefined): PromotionInput {
  if (!promotion) throw invalidRequest("Please give the promotion to create.");
  const moneyInput = (value: Money | undefined): MoneyInput | undefined =>
    value ? { amountMinor: value.amountMinor, currency: value.currency.trim().toUpperCase() } : undefined;
  const discount = promotion.discount;
  if (discount.case === "freeShipping" && !discount.value) {
    throw invalidRequest("Free shipping is set with free_shipping: true; false gives nothing.");
  }
  return {
    name: promotion.name,
    code: promotion.code,
    percentOff: discount.case === "percentOff" ? discount.value : undefined,
    amountOff: discount.case === "amountOff" ? moneyInput(discount.value) : undefined,
    freeShipping: discount.case === "freeShipping",
    minimumOrder: moneyInput(promotion.minimumOrder),
    startsAt: promotion.startsAt ? timestampDate(promotion.startsAt) : undefined,
    endsAt: promotion.endsAt ? timestampDate(promotion.endsAt) : undefined,
    maxRedemptions: promotion.maxRedemptions,
    maxPerCustomer: promotion.maxPerCustomer,
    singleUse: promotion.singleUse,
    productIds: promotion.productIds,
    category: promotion.category,
  };
}

/** The Promotion message of a stored promotion. */
export function promotionMessage(view: PromotionView): Promotion {
  const currency = view.currency ?? "";
  return create(PromotionSchema, {
    id: view.id,
    name: view.name,
    code: view.code ?? "",
    discount:
      view.kind === "percent"
        ? { case: "percentOff", value: view.percentOff ?? 0 }
        : view.kind === "free_shipping"
          ? { case: "freeShipping", value: true }
          : { case: "amountOff", value: money(view.amountOff ?? 0n, currency) },
    ...(view.minimumOrder !== null ? { minimumOrder: money(view.minimumOrder, currency) } : {}),
    ...(view.startsAt ? { startsAt: timestampFromDate(view.startsAt) } : {}),
    ...(view.endsAt ? { endsAt: timestampFromDate(view.endsAt) } : {}),
    maxRedemptions: view.maxRedemptions,
    maxPerCustomer: view.maxPerCustomer,
    singleUse: view.singleUse,
    productIds: view.productIds,
    category: view.category ?? "",
    redemptionCount: view.redemptionCount,
  });
}
