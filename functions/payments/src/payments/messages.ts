/**
 * What payments tells the customer, in sentences: the reasons PaymentFailed and PaymentRefunded carry.
 */
import type { Amount } from "./provider.ts";

/** Why nothing was charged for an order cancelled while its charge's outcome was unknown. */
export const NOTHING_CHARGED_CANCELLED =
  "The order was cancelled before the payment went through; nothing was charged.";

/** The amount as a person reads it: `€19.99` (the currency's own number of decimals). */
export function formatAmount({ amountMinor, currency }: Amount): string {
  try {
    const format = new Intl.NumberFormat("en", { style: "currency", currency });
    const decimals = format.resolvedOptions().maximumFractionDigits ?? 2;
    return format.format(Number(amountMinor) / 10 ** decimals);
  } catch {
    // A code Intl does not know: minor units and the code, still true.
    return `${amountMinor} ${currency} (minor units)`;
  }
}

/**
 * Why the money was given back: the order was cancelled, and, when the charge was confirmed only
 * after that (its answer had been lost), that it went through late.
 */
export function refundReason(orderId: string, amount: Amount, chargedAfterCancellation: boolean): string {
  const charged = formatAmount(amount);
  return chargedAfterCancellation
    ? `Order ${orderId} was cancelled while its payment was still being confirmed; the payment of ${charged} went through after all, so we refunded it in full.`
    : `Order ${orderId} was cancelled, so we refunded the ${charged} charged for it in full.`;
}
