/**
 * PlaceOrder's delivery: checks the shipping address and option, and prices shipping from the
 * shipping options projection (ShippingOptionChanged).
 */
import type { Tx } from "@shop/runtime";
import { eq } from "drizzle-orm";
import { type StoredAddress, type StoredShipping, shippingOptions } from "../db/schema.ts";
import {
  addressPartMissing,
  addressPartTooLong,
  countryNotShipped,
  shippingAddressMissing,
  shippingCurrencyMismatch,
  shippingOptionMissing,
  unknownShippingOption,
} from "./errors.ts";

const MAX_ADDRESS_PART = 200;
const MAX_POSTCODE = 20;

/** What a customer asks for: where to, and how (both absent for an order that does not ship). */
export interface ShippingRequest {
  address: StoredAddress | undefined;
  option: string;
}

/** A checked delivery and its price in minor units of the order's currency. */
export interface PricedShipping {
  shipping: StoredShipping;
  priceMinor: bigint;
}

/**
 * The delivery of an order in `currency`, checked and priced, or undefined when nothing ships (no
 * address and no option: older clients). Throws the sentence of the first problem found.
 */
export async function priceShipping(
  tx: Pick<Tx, "db">,
  request: ShippingRequest,
  currency: string,
): Promise<PricedShipping | undefined> {
  const optionId = request.option.trim();
  if (!request.address) {
    if (optionId.length > 0) throw shippingAddressMissing();
    return undefined;
  }
  const address = checkAddress(request.address);
  if (optionId.length === 0) throw shippingOptionMissing();
  const [option] = await tx.db.select().from(shippingOptions).where(eq(shippingOptions.optionId, optionId));
  if (!option?.active) throw unknownShippingOption(optionId);
  if (!option.countries.includes(address.country)) throw countryNotShipped(option.name, address.country);
  if (option.currency !== currency) throw shippingCurrencyMismatch(option.name, option.currency, currency);
  return {
    shipping: { option: option.optionId, optionName: option.name, address },
    priceMinor: option.priceMinor,
  };
}

/** The address trimmed, its country upper case, every required part present. */
function checkAddress(address: StoredAddress): StoredAddress {
  const checked = {
    name: address.name.trim(),
    line1: address.line1.trim(),
    line2: address.line2.trim(),
    city: address.city.trim(),
    postcode: address.postcode.trim(),
    country: address.country.trim().toUpperCase(),
  };
  if (checked.name.length === 0) throw addressPartMissing("name");
  if (checked.line1.length === 0) throw addressPartMissing("street");
  if (checked.city.length === 0) throw addressPartMissing("city");
  if (checked.postcode.length === 0) throw addressPartMissing("postcode");
  if (checked.country.length === 0) throw addressPartMissing("country");
  for (const part of ["name", "line1", "line2", "city"] as const) {
    if (checked[part].length > MAX_ADDRESS_PART) throw addressPartTooLong(part, MAX_ADDRESS_PART);
  }
  if (checked.postcode.length > MAX_POSTCODE) throw addressPartTooLong("postcode", MAX_POSTCODE);
  return checked;
}
