/**
 * ListOrders: a customer's own orders, or for an admin anyone's, newest first, a page at a time,
 * narrowed by the filters of the back office's search.
 */
import type { Db, Principal } from "@shop/runtime";
import { and, desc, eq, gte, inArray, lt, type SQL } from "drizzle-orm";
import { type OrderRow, type OrderStatusName, orders } from "../db/schema.ts";
import { emptyCreatedRange, filterTooLong, invalidPageToken, negativePageSize } from "./errors.ts";

/** Page size when the request gives none. */
export const DEFAULT_PAGE_SIZE = 20;
/** Largest page served; a larger request gets this many. */
export const MAX_PAGE_SIZE = 100;

/** One page of orders and the token of the next one ("" when this is the last). */
export interface OrderPage {
  orders: OrderRow[];
  nextPageToken: string;
}

/** Longest customer or order id a filter may name (ids are uuids or user ids, far shorter). */
export const MAX_FILTER_ID_LENGTH = 200;

/** What narrows the list; every filter left out (empty, undefined) lets every order through. */
export interface OrderFilters {
  /** Only this customer's orders. */
  customerId?: string;
  /** Only orders in one of these statuses. */
  statuses?: OrderStatusName[];
  /** Only orders created at or after this. */
  createdFrom?: Date;
  /** Only orders created before this. */
  createdBefore?: Date;
  /** Only this order. */
  orderId?: string;
}

/**
 * Who lists, and which page: `pageSize` 0 for the default, `pageToken` "" for the first page. A customer
 * lists their own orders only (the filters narrow those); an admin lists every customer's.
 */
export interface ListOrdersInput {
  viewer: Principal;
  pageSize: number;
  pageToken: string;
  filters?: OrderFilters;
}

/** Lists the orders `viewer` may see that pass `filters`, after the page token, newest first. */
export async function listOrders(
  db: Db,
  { viewer, pageSize, pageToken, filters = {} }: ListOrdersInput,
): Promise<OrderPage> {
  if (pageSize < 0) throw negativePageSize();
  const size = Math.min(pageSize || DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  const before = pageToken ? decodeCursor(pageToken) : undefined;
  const rows = await db
    .select()
    .from(orders)
    .where(and(...conditions(viewer, filters), before === undefined ? undefined : lt(orders.seq, before)))
    .orderBy(desc(orders.seq))
    .limit(size + 1);
  const page = rows.slice(0, size);
  const last = page.at(-1);
  return { orders: page, nextPageToken: rows.length > size && last ? encodeCursor(last.seq) : "" };
}

// The WHERE of a listing: a customer's own orders always, then each filter given.
function conditions(viewer: Principal, filters: OrderFilters): (SQL | undefined)[] {
  const { customerId, statuses, createdFrom, createdBefore, orderId } = filters;
  if ((customerId?.length ?? 0) > MAX_FILTER_ID_LENGTH)
    throw filterTooLong("customer id", MAX_FILTER_ID_LENGTH);
  if ((orderId?.length ?? 0) > MAX_FILTER_ID_LENGTH) throw filterTooLong("order id", MAX_FILTER_ID_LENGTH);
  if (createdFrom && createdBefore && createdFrom.getTime() >= createdBefore.getTime()) {
    throw emptyCreatedRange();
  }
  return [
    viewer.role === "admin" ? undefined : eq(orders.customerId, viewer.userId),
    customerId ? eq(orders.customerId, customerId) : undefined,
    statuses?.length ? inArray(orders.status, statuses) : undefined,
    createdFrom ? gte(orders.createdAt, createdFrom) : undefined,
    createdBefore ? lt(orders.createdAt, createdBefore) : undefined,
    orderId ? eq(orders.id, orderId) : undefined,
  ];
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
