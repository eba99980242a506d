/**
 * UpsertProduct: creates or changes a product and emits ProductChanged with its new version.
 */

import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { Tx } from "@shop/runtime";
import { ProductChangedSchema } from "@shop/schemas/catalog/v1/events";
import { sql } from "drizzle-orm";
import { products, stock } from "../db/schema.ts";
import { invalidProduct, productMissing } from "./errors.ts";
import { type Product, productColumns, toProduct } from "./products.ts";

/** A product as an administrator describes it; `id` empty for a new product. */
export interface ProductInput {
  id: string;
  name: string;
  description: string;
  price: { amountMinor: bigint; currency: string } | undefined;
  category: string;
  imageUrl: string;
  active: boolean;
}

const MAX_NAME = 200;
const MAX_DESCRIPTION = 10_000;
const ID = /^[\w.-]{1,100}$/;

/** A product checked and tidied, ready to store. */
export type ValidProduct = Omit<Product, "available" | "version" | "updatedAt">;

/**
 * Checks and tidies an administrator's input; `productMissing` when there is none, `invalidProduct`
 * says what is wrong.
 */
export function validateProduct(input: ProductInput | undefined): ValidProduct {
  if (!input) throw productMissing();
  const id = input.id.trim() || randomUUID();
  if (!ID.test(id))
    throw invalidProduct("A product id can only have letters, digits, '.', '_' and '-' (at most 100).");
  const name = input.name.trim();
  if (!name) throw invalidProduct("A product needs a name.");
  if (name.length > MAX_NAME) throw invalidProduct(`A product name can have at most ${MAX_NAME} characters.`);
  if (input.description.length > MAX_DESCRIPTION) {
    throw invalidProduct(`A description can have at most ${MAX_DESCRIPTION} characters.`);
  }
  if (!input.price) throw invalidProduct("A product needs a price.");
  if (input.price.amountMinor < 0n) throw invalidProduct("A price cannot be negative.");
  const currency = input.price.currency.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency))
    throw invalidProduct("A price needs a three-letter currency code, such as EUR.");
  const category = input.category.trim();
  if (!category) throw invalidProduct("A product needs a category.");
  const imageUrl = input.imageUrl.trim();
  if (imageUrl && !/^https?:\/\/\S+$/.test(imageUrl))
    throw invalidProduct("The image URL must be an http(s) URL.");
  return {
    id,
    name,
    description: input.description.trim(),
    price: { amountMinor: input.price.amountMinor, currency },
    category,
    imageUrl,
    active: input.active,
  };
}

/**
 * Checks a product (see validateProduct), stores it (version 1 when new, +1 otherwise) and emits
 * ProductChanged. A new product starts with the stock inventory already reported for its id, if any.
 */
export async function upsertProduct(tx: Tx, input: ProductInput | undefined, now: Date): Promise<Product> {
  const product = validateProduct(input);
  const values = {
    name: product.name,
    description: product.description,
    price: product.price.amountMinor,
    currency: product.price.currency,
    category: product.category,
    imageUrl: product.imageUrl,
    active: product.active,
    updatedAt: now,
  };
  const [row] = await tx.db
    .insert(products)
    .values({
      id: product.id,
      ...values,
      available: sql`coalesce((select ${stock.available} from ${stock} where ${stock.productId} = ${product.id}), 0)`,
      version: 1n,
    })
    .onConflictDoUpdate({ target: products.id, set: { ...values, version: sql`${products.version} + 1` } })
    .returning(productColumns);
  if (!row) throw new Error(`upsert of product ${product.id} returned nothing`);
  const saved = toProduct(row);
  await tx.emit(
    ProductChangedSchema,
    create(ProductChangedSchema, {
      productId: saved.id,
      name: saved.name,
      price: saved.price,
      category: saved.category,
      active: saved.active,
      changedAt: timestampFromDate(now),
      version: saved.version,
    }),
    { key: saved.id },
  );
  return saved;
}
