/**
 * The shipping options projection: orders keeps what it needs to price shipping from
 * ShippingOptionChanged.
 */
import { type Tx, upsertIfNewer } from "@shop/runtime";
import { shippingOptions } from "../db/schema.ts";

/** A shipping option's new state as shipping announced it. */
export interface ShippingOptionState {
  optionId: string;
  name: string;
  /** Undefined when shipping sent no price: the option cannot then be chosen. */
  price: { amountMinor: bigint; currency: string } | undefined;
  countries: string[];
  active: boolean;
  version: bigint;
}

/**
 * Stores `option` unless the projection already holds this version or a newer one (events of one
 * option may arrive late or twice). Returns whether it was stored.
 */
export async function recordShippingOption(
  tx: Pick<Tx, "db">,
  option: ShippingOptionState,
): Promise<boolean> {
  const values = {
    optionId: option.optionId,
    name: option.name,
    priceMinor: option.price?.amountMinor ?? 0n,
    currency: option.price?.currency ?? "",
    countries: option.countries.map((country) => country.trim().toUpperCase()),
    active: option.active && option.price !== undefined,
    version: option.version,
  };
  return upsertIfNewer(tx.db, shippingOptions, values, {
    key: shippingOptions.optionId,
    version: shippingOptions.version,
  });
}
