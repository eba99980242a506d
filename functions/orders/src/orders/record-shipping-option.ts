/**
 * The shipping options projection: orders keeps what it needs to price shipping from
 * ShippingOptionChanged.
 */
import type { Tx } from "@shop/runtime";
import { sql } from "drizzle-orm";
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
  const stored = await tx.db
    .insert(shippingOptions)
    .values(values)
    .onConflictDoUpdate({
      target: shippingOptions.optionId,
      set: {
        name: sql`excluded.name`,
        priceMinor: sql`excluded.price_minor`,
        currency: sql`excluded.currency`,
        countries: sql`excluded.countries`,
        active: sql`excluded.active`,
        version: sql`excluded.version`,
      },
      setWhere: sql`${shippingOptions.version} < excluded.version`,
    })
    .returning({ optionId: shippingOptions.optionId });
  return stored.length > 0;
}
