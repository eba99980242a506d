/**
 * Publishing the shipping options: the rows follow the defined options, and every version not yet
 * published goes out as ShippingOptionChanged through the outbox, so orders can project them.
 */
import { create } from "@bufbuild/protobuf";
import { money, type Tx } from "@shop/runtime";
import { ShippingOptionChangedSchema } from "@shop/schemas/shipping/v1/events";
import { eq, lt, sql } from "drizzle-orm";
import { type OptionRow, shippingOptions } from "../db/schema.ts";
import type { OptionDefinition } from "./options.ts";

/** What to publish: the options as defined now. */
export interface PublishOptionsInput {
  options: readonly OptionDefinition[];
}

/**
 * Brings `shipping.options` in line with `options` (a new option at version 1, a changed one a
 * version up, one no longer defined inactive a version up) and emits ShippingOptionChanged for every
 * row whose version was not published yet. Replicas starting at once take turns on one advisory
 * lock, so a version is emitted once. Returns the ids published.
 */
export async function publishOptions(tx: Tx, { options }: PublishOptionsInput): Promise<string[]> {
  await tx.db.execute(sql`select pg_advisory_xact_lock(hashtext('shipping.options'))`);
  const rows = new Map((await tx.db.select().from(shippingOptions)).map((row) => [row.id, row]));
  for (const option of options) {
    const row = rows.get(option.id);
    if (!row) {
      await tx.db
        .insert(shippingOptions)
        .values({ ...option, countries: [...option.countries], version: 1n });
    } else if (!same(row, option)) {
      await tx.db
        .update(shippingOptions)
        .set({
          ...option,
          countries: [...option.countries],
          version: row.version + 1n,
          updatedAt: new Date(),
        })
        .where(eq(shippingOptions.id, option.id));
    }
  }
  for (const row of rows.values()) {
    if (row.active && !options.some((option) => option.id === row.id)) {
      await tx.db
        .update(shippingOptions)
        .set({ active: false, version: row.version + 1n, updatedAt: new Date() })
        .where(eq(shippingOptions.id, row.id));
    }
  }
  const unpublished = await tx.db
    .update(shippingOptions)
    .set({ publishedVersion: sql`${shippingOptions.version}` })
    .where(lt(shippingOptions.publishedVersion, shippingOptions.version))
    .returning();
  for (const row of unpublished.sort((a, b) => a.id.localeCompare(b.id))) {
    await tx.emit(
      ShippingOptionChangedSchema,
      create(ShippingOptionChangedSchema, {
        optionId: row.id,
        name: row.name,
        price: money(row.priceMinor, row.currency),
        minDays: row.minDays,
        maxDays: row.maxDays,
        countries: row.countries,
        active: row.active,
        version: row.version,
      }),
      { key: row.id },
    );
  }
  return unpublished.map((row) => row.id);
}

function same(row: OptionRow, option: OptionDefinition): boolean {
  return (
    row.name === option.name &&
    row.priceMinor === option.priceMinor &&
    row.currency === option.currency &&
    row.minDays === option.minDays &&
    row.maxDays === option.maxDays &&
    row.active === option.active &&
    row.countries.join(",") === option.countries.join(",")
  );
}
