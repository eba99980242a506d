/**
 * The shipping options shipping offers, and its pricing rule (functions/shipping/README.md, "Pricing").
 * The rows of `shipping.options` follow this list (publish-options.ts); changing an option here
 * publishes a new version of it on the next start or tick.
 */

/** The EU member states (ISO 3166-1 alpha-2). */
export const EU_COUNTRIES: readonly string[] = [
  "AT",
  "BE",
  "BG",
  "CY",
  "CZ",
  "DE",
  "DK",
  "EE",
  "ES",
  "FI",
  "FR",
  "GR",
  "HR",
  "HU",
  "IE",
  "IT",
  "LT",
  "LU",
  "LV",
  "MT",
  "NL",
  "PL",
  "PT",
  "RO",
  "SE",
  "SI",
  "SK",
];

/** One way to deliver, as defined. */
export interface OptionDefinition {
  id: string;
  name: string;
  /** The price in minor units of `currency`, whatever the destination and subtotal. */
  priceMinor: bigint;
  currency: string;
  minDays: number;
  maxDays: number;
  countries: readonly string[];
  active: boolean;
}

/**
 * The options: standard to the EU, GB, CH, NO and the US; express to the euro area's core and its
 * neighbours only.
 */
export const SHIPPING_OPTIONS: readonly OptionDefinition[] = [
  {
    id: "standard",
    name: "Standard delivery",
    priceMinor: 490n,
    currency: "EUR",
    minDays: 3,
    maxDays: 5,
    countries: [...EU_COUNTRIES, "GB", "CH", "NO", "US"],
    active: true,
  },
  {
    id: "express",
    name: "Express delivery",
    priceMinor: 1290n,
    currency: "EUR",
    minDays: 1,
    maxDays: 2,
    countries: ["AT", "BE", "DE", "DK", "FR", "IT", "LU", "NL", "ES", "CH"],
    active: true,
  },
];
