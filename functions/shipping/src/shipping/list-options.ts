/**
 * ListShippingOptions: every active option that ships to a destination, priced by the rule.
 */
import type { Db } from "@shop/runtime";
import { asc, eq } from "drizzle-orm";
import { type OptionRow, shippingOptions } from "../db/schema.ts";
import { countryMissing, countryNotServed, currencyNotOffered } from "./errors.ts";

/** Where the parcel goes and what the cart is worth (its currency must be the options'). */
export interface ListOptionsInput {
  country: string;
  /** The cart's subtotal; its currency, when given, must be the one the options are priced in. */
  subtotal?: { amountMinor: bigint; currency: string } | undefined;
}

/** An option priced for one destination. */
export interface PricedOption {
  id: string;
  name: string;
  priceMinor: bigint;
  currency: string;
  minDays: number;
  maxDays: number;
}

/**
 * The active options that ship to `country` (ISO 3166-1 alpha-2, any case), cheapest first, each at
 * its price (the rule: one price per option, whatever the destination and subtotal; free shipping is
 * a promotion). A missing country, one that is not a two-letter code, or one no option ships to is
 * refused with a sentence.
 */
export async function listShippingOptions(db: Db, input: ListOptionsInput): Promise<PricedOption[]> {
  const country = input.country.trim().toUpperCase();
  if (country.length === 0) throw countryMissing();
  if (!/^[A-Z]{2}$/.test(country)) throw countryNotServed(input.country.trim());
  const rows = await db
    .select()
    .from(shippingOptions)
    .where(eq(shippingOptions.active, true))
    .orderBy(asc(shippingOptions.priceMinor), asc(shippingOptions.id));
  const serving = rows.filter((row) => row.countries.includes(country));
  if (serving.length === 0) throw countryNotServed(country);
  const currency = input.subtotal?.currency;
  const offered = serving[0]?.currency ?? "EUR";
  if (currency && serving.some((row) => row.currency !== currency))
    throw currencyNotOffered(currency, offered);
  return serving.map(priced);
}

function priced(row: OptionRow): PricedOption {
  return {
    id: row.id,
    name: row.name,
    priceMinor: row.priceMinor,
    currency: row.currency,
    minDays: row.minDays,
    maxDays: row.maxDays,
  };
}
