/**
 * Products as the verbs hand them out, and the columns they are read from.
 */
import { products } from "../db/schema.ts";

/** A product, in plain data. */
export interface Product {
  id: string;
  name: string;
  description: string;
  price: { amountMinor: bigint; currency: string };
  category: string;
  imageUrl: string;
  active: boolean;
  available: number;
  version: bigint;
  updatedAt: Date;
}

/** Every column a Product is made of (not the search vector, which nobody needs to see). */
export const productColumns = {
  id: products.id,
  name: products.name,
  description: products.description,
  price: products.price,
  currency: products.currency,
  category: products.category,
  imageUrl: products.imageUrl,
  active: products.active,
  available: products.available,
  version: products.version,
  updatedAt: products.updatedAt,
};

type ProductRow = { [K in keyof typeof productColumns]: (typeof products.$inferSelect)[K] };

/** The Product of a row selected with `productColumns`. */
export function toProduct(row: ProductRow): Product {
  const { price, currency, ...rest } = row;
  return { ...rest, price: { amountMinor: price, currency } };
}
