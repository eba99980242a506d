/**
 * Amounts as admins type them ("12.50", "12,5", "3") turned into minor units, and back.
 */

/** Minor units of `text` in a currency with `digits` decimals, or undefined when it is no amount. */
export function parseMinor(text: string, digits = 2): bigint | undefined {
  const match = /^\s*(\d+)(?:[.,](\d*))?\s*$/.exec(text);
  if (!match) return undefined;
  const fraction = match[2] ?? "";
  if (fraction.length > digits) return undefined;
  return BigInt(match[1]!) * 10n ** BigInt(digits) + BigInt(fraction.padEnd(digits, "0") || "0");
}

/** Minor units as the text of an input ("1250" → "12.50"). */
export function minorText(amountMinor: bigint, digits = 2): string {
  if (digits === 0) return String(amountMinor);
  const scale = 10n ** BigInt(digits);
  return `${amountMinor / scale}.${(amountMinor % scale).toString().padStart(digits, "0")}`;
}
