/**
 * UpsertProduct: creates or changes a product and emits ProductChanged with its new version.
 */

import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { type AdminAction, recordAdminAction, type Tx } from "@shop/runtime";
import { ProductChangedSchema } from "@shop/schemas/catalog/v1/events";
import { eq, sql } from "drizzle-orm";
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
const IMAGE_URL = /^\/images\/[0-9a-f]{64}$/;

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
  // Either elsewhere on the web, or an image uploaded here (UploadProductImage).
  if (imageUrl && !/^https?:\/\/\S+$/.test(imageUrl) && !IMAGE_URL.test(imageUrl))
    throw invalidProduct("The image URL must be an http(s) URL, or the URL of an uploaded image.");
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

/** Who did it, for the audit log. */
export type Actor = AdminAction["actor"];

/**
 * Checks a product (see validateProduct), stores it (version 1 when new, +1 otherwise) and emits
 * ProductChanged. A new product starts with the stock inventory already reported for its id, if any.
 * Recorded in the audit log as `actor`'s, with the product before and after.
 */
export async function upsertProduct(
  tx: Tx,
  input: ProductInput | undefined,
  actor: Actor,
  now: Date,
): Promise<Product> {
  const product = validateProduct(input);
  // Locked, so the "before" of the audit entry is the state this write replaces.
  const [before] = await tx.db
    .select(productColumns)
    .from(products)
    .where(eq(products.id, product.id))
    .for("update");
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
  await emitProductChanged(tx, saved, now);
  await recordAdminAction(tx, {
    actor,
    action: "catalog.UpsertProduct",
    target: saved.id,
    before: before && auditedProduct(toProduct(before)),
    after: auditedProduct(saved),
    at: now,
  });
  return saved;
}

/** What the audit log keeps of a product: what an administrator sets (not the stock inventory reports). */
export function auditedProduct(product: Product) {
  const { available: _available, updatedAt: _updatedAt, ...kept } = product;
  return kept;
}

/** Emits ProductChanged with the whole new state of `saved`. */
export async function emitProductChanged(tx: Tx, saved: Product, now: Date): Promise<void> {
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
}
