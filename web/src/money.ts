/**
 * Money as customers read it: integer minor units formatted in the shopper's locale.
 */
import type { Money } from "@shop/schemas/common/v1/money";

const formats = new Map<string, Intl.NumberFormat>();

function formatFor(currency: string): Intl.NumberFormat {
  let format = formats.get(currency);
  if (!format) {
    format = new Intl.NumberFormat(undefined, { style: "currency", currency });
    formats.set(currency, format);
  }
  return format;
}

/** Formats `amountMinor` of `currency` (e.g. 1250n EUR → "€12.50"), with the currency's own decimals. */
export function formatMinor(amountMinor: bigint, currency: string): string {
  const format = formatFor(currency);
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  // Split into whole and fraction with bigint arithmetic, so large amounts keep every digit.
  const scale = 10n ** BigInt(digits);
  const negative = amountMinor < 0n;
  const abs = negative ? -amountMinor : amountMinor;
  const fraction = digits > 0 ? `.${(abs % scale).toString().padStart(digits, "0")}` : "";
  const text = `${negative ? "-" : ""}${abs / scale}${fraction}`;
  // Intl formats decimal strings exactly (ES2023), where a number would round beyond 2^53.
  return format.format(text as Intl.StringNumericLiteral);
}

/** Formats a Money message; an absent amount reads as a dash. */
export function formatMoney(money: Money | undefined): string {
  return money ? formatMinor(money.amountMinor, money.currency) : "–";
}
