/**
 * ListOrders: a customer's own orders, newest first, a page at a time.
 */
import type { Db } from "@shop/runtime";
import { and, desc, eq, lt } from "drizzle-orm";
import { type OrderRow, orders } from "../db/schema.ts";
import { invalidPageToken, negativePageSize } from "./errors.ts";

/** Page size when the request gives none. */
export const DEFAULT_PAGE_SIZE = 20;
/** Largest page served; a larger request gets this many. */
export const MAX_PAGE_SIZE = 100;

/** One page of orders and the token of the next one ("" when this is the last). */
export interface OrderPage {
  orders: OrderRow[];
  nextPageToken: string;
}

/** Whose orders, and which page: `pageSize` 0 for the default, `pageToken` "" for the first page. */
export interface ListOrdersInput {
  customerId: string;
  pageSize: number;
  pageToken: string;
}

/** Lists `customerId`'s orders after the page token, newest first. */
export async function listOrders(
  db: Db,
  { customerId, pageSize, pageToken }: ListOrdersInput,
): Promise<OrderPage> {
  if (pageSize < 0) throw negativePageSize();
  const size = Math.min(pageSize || DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  const before = pageToken ? decodeCursor(pageToken) : undefined;
  const rows = await db
    .select()
    .from(orders)
    .where(and(eq(orders.customerId, customerId), before === undefined ? undefined : lt(orders.seq, before)))
    .orderBy(desc(orders.seq))
    .limit(size + 1);
  const page = rows.slice(0, size);
  const last = page.at(-1);
  return { orders: page, nextPageToken: rows.length > size && last ? encodeCursor(last.seq) : "" };
}

// The cursor is the position of the last order served; opaque to clients.
function encodeCursor(seq: number): string {
  return Buffer.from(`o:${seq}`).toString("base64url");
}

function decodeCursor(token: string): number {
  const match = /^o:(\d{1,15})$/.exec(Buffer.from(token, "base64url").toString());
  if (!match?.[1]) throw invalidPageToken();
  return Number(match[1]);
}
