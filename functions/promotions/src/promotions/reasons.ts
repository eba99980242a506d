/**
 * Why a code cannot be used, and the sentence the customer reads for it. The same sentences serve
 * the saga (OrderPricingRejected) and the preview (ValidateCoupon).
 */
import type { NotApplicable } from "./pricing.ts";

/** Every reason a typed code is refused: the pricing rules' reasons and those that need the redemptions. */
export type CouponRejection =
  | NotApplicable
  | { kind: "unknown" }
  | { kind: "exhausted"; singleUse: boolean }
  | { kind: "customer-limit"; maxPerCustomer: number };

// ISO 4217 minor-unit exponents that are not 2; every other currency has cents.
const EXPONENTS: Record<string, number> = {
  JPY: 0,
  KRW: 0,
  CLP: 0,
  ISK: 0,
  VND: 0,
  BHD: 3,
  KWD: 3,
  OMR: 3,
  TND: 3,
};

/** An amount of minor units as a person writes it: 5000n EUR → "50.00 EUR". */
export function formatMoney(amountMinor: bigint, currency: string): string {
  const exponent = EXPONENTS[currency] ?? 2;
  const negative = amountMinor < 0n;
  const digits = (negative ? -amountMinor : amountMinor).toString().padStart(exponent + 1, "0");
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = exponent > 0 ? `.${digits.slice(digits.length - exponent)}` : "";
  return `${negative ? "-" : ""}${whole}${fraction} ${currency}`;
}

/** The sentence for the customer about `code` refused for `reason`. */
export function describeRejection(code: string, reason: CouponRejection): string {
  switch (reason.kind) {
    case "unknown":
      return `The code ${code} does not exist. Please check how it is spelled.`;
    case "not-started":
      return `The code ${code} cannot be used before ${day(reason.startsAt)}.`;
    case "expired":
      return `The code ${code} has expired.`;
    case "currency-mismatch":
      return `The code ${code} can only be used for orders in ${reason.currency}.`;
    case "below-minimum":
      return `The code ${code} needs an order of at least ${formatMoney(reason.minimum, reason.currency)}.`;
    case "no-eligible-line":
      return `The code ${code} does not apply to any product in your order.`;
    case "no-shipping":
      return `The code ${code} gives free shipping, and your order has nothing to ship.`;
    case "exhausted":
      return reason.singleUse
        ? `The coupon ${code} has already been used.`
        : `The code ${code} has been used as often as it may be and is no longer available.`;
    case "customer-limit":
      return reason.maxPerCustomer === 1
        ? `You have already used the code ${code}.`
        : `You have already used the code ${code} ${reason.maxPerCustomer} times, which is as often as it may be used.`;
  }
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}
