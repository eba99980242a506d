/**
 * listStock: the stock of every stocked product, by product id, a page at a time, for an administrator.
 */
import type { Db } from "@shop/runtime";
import { asc, gt } from "drizzle-orm";
import { stock } from "../db/schema.ts";
import { invalidPageSize, invalidStockPageToken } from "./errors.ts";
import { type StockLevel, stockLevelColumns } from "./stock-level.ts";

/** Page size when none is asked for. */
export const DEFAULT_STOCK_PAGE = 50;
/** Largest page; a larger request gets this many. */
export const MAX_STOCK_PAGE = 200;

/** One page, and the token of the next one ("" on the last page). */
export interface StockPage {
  stock: StockLevel[];
  nextPageToken: string;
}

/** Lists a page of stock levels after the page token (the last product id seen, base64url). */
export async function listStock(db: Db, input: { pageSize: number; pageToken: string }): Promise<StockPage> {
  if (input.pageSize < 0) throw invalidPageSize();
  const pageSize = Math.min(input.pageSize || DEFAULT_STOCK_PAGE, MAX_STOCK_PAGE);
  const after = input.pageToken ? decodeToken(input.pageToken) : undefined;
  // One more than a page tells whether there is a next page without counting.
  const rows = await db
    .select(stockLevelColumns)
    .from(stock)
    .where(after === undefined ? undefined : gt(stock.productId, after))
    .orderBy(asc(stock.productId))
    .limit(pageSize + 1);
  const page = rows.slice(0, pageSize);
  const last = page.at(-1);
  return {
    stock: page,
    nextPageToken:
      rows.length > pageSize && last ? Buffer.from(`s:${last.productId}`).toString("base64url") : "",
  };
}

function decodeToken(token: string): string {
  const text = Buffer.from(token, "base64url").toString("utf8");
  if (!text.startsWith("s:") || text.length < 3) throw invalidStockPageToken();
  return text.slice(2);
}
