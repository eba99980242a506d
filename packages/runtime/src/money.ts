/**
 * Money on the wire: integer minor units with a currency code, as `shop.common.v1.Money`.
 */
import { create } from "@bufbuild/protobuf";
import { type Money, MoneySchema } from "@shop/schemas/common/v1/money";

/** An amount of minor units of `currency` as Money. */
export function money(amountMinor: bigint, currency: string): Money {
  return create(MoneySchema, { amountMinor, currency });
}

const formats = new Map<string, Intl.NumberFormat>();

function formatFor(currency: string, locale: string): Intl.NumberFormat {
  const id = `${locale} ${currency}`;
  let format = formats.get(id);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: "currency", currency });
    formats.set(id, format);
  }
  return format;
}

/**
 * `amountMinor` of `currency` as a person reads it, with the currency's own decimals (1250n EUR →
 * "€12.50" in `en-GB`, the default: emails and logs read the same on every server).
 */
export function formatMinor(amountMinor: bigint, currency: string, locale = "en-GB"): string {
  const format = formatFor(currency, locale);
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  // Whole and fraction by bigint arithmetic, so large amounts keep every digit.
  const scale = 10n ** BigInt(digits);
  const negative = amountMinor < 0n;
  const abs = negative ? -amountMinor : amountMinor;
  const fraction = digits > 0 ? `.${(abs % scale).toString().padStart(digits, "0")}` : "";
  // Intl formats decimal strings exactly (ES2023), where a number would round beyond 2^53.
  return format.format(`${negative ? "-" : ""}${abs / scale}${fraction}` as Intl.StringNumericLiteral);
}

/** A Money message as a person reads it ({@link formatMinor}); an absent amount reads as a dash. */
export function formatMoney(value: Money | undefined, locale?: string): string {
  return value ? formatMinor(value.amountMinor, value.currency, locale) : "–";
}
