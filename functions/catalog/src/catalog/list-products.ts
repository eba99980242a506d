/**
 * ListProducts: active products (or all, for an administrator) in (name, id) order, a page at a time, optionally of one category
 * and matching a text search.
 */
import type { Db } from "@shop/runtime";
import { and, asc, eq, type SQL, sql } from "drizzle-orm";
import { products } from "../db/schema.ts";
import { negativePageSize, searchTooLong } from "./errors.ts";
import { decodePageToken, encodePageToken } from "./page-token.ts";
import { type Product, productColumns, toProduct } from "./products.ts";
import { searchCondition } from "./search.ts";

/** Page size when none is asked for. */
export const DEFAULT_PAGE_SIZE = 20;
/** Largest page; a larger request gets this many. */
export const MAX_PAGE_SIZE = 100;
const MAX_QUERY_LENGTH = 200;

/** What a client asks for; empty strings and 0 mean "not set", as in the proto. */
export interface ListProductsInput {
  pageSize: number;
  pageToken: string;
  category: string;
  query: string;
  /** Inactive products too (the caller must be an administrator: the RPC checks). */
  includeInactive?: boolean;
}

/** One page, and the token of the next one ("" on the last page). */
export interface ProductPage {
  products: Product[];
  nextPageToken: string;
}

/** Lists a page of products; refuses (InvalidArgument) a bad page size, token or query. */
export async function listProducts(db: Db, input: ListProductsInput): Promise<ProductPage> {
  if (input.pageSize < 0) throw negativePageSize();
  if (input.query.length > MAX_QUERY_LENGTH) {
    throw searchTooLong(MAX_QUERY_LENGTH);
  }
  const pageSize = Math.min(input.pageSize || DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  const conditions: SQL[] = input.includeInactive ? [] : [eq(products.active, true)];
  const category = input.category.trim();
  if (category) conditions.push(eq(products.category, category));
  if (input.query.trim()) conditions.push(searchCondition(input.query));
  if (input.pageToken) {
    const after = decodePageToken(input.pageToken);
    // A row comparison, so the (name, id) index serves it.
    conditions.push(sql`(${products.name}, ${products.id}) > (${after.name}, ${after.id})`);
  }
  // One more than a page tells whether there is a next page without counting.
  const rows = await db
    .select(productColumns)
    .from(products)
    .where(and(...conditions))
    .orderBy(asc(products.name), asc(products.id))
    .limit(pageSize + 1);
  const page = rows.slice(0, pageSize).map(toProduct);
  const last = page.at(-1);
  return {
    products: page,
    nextPageToken: rows.length > pageSize && last ? encodePageToken(last) : "",
  };
}
