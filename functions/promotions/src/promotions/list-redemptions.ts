/**
 * Listing a promotion's redemptions (admin): which orders used it, by whom, when, for how much, and
 * whether each is still held or was released.
 */
import type { Db } from "@shop/runtime";
import { desc, eq } from "drizzle-orm";
import { promotions, redemptions } from "../db/schema.ts";
import { invalidRequest, promotionNotFound } from "./errors.ts";

/** One redemption as an admin sees it. */
export interface RedemptionView {
  promotionId: string;
  orderId: string;
  customerId: string;
  redeemedAt: Date;
  discount: bigint;
  /** The order's currency; for redemptions from before it was kept, the promotion's (if any). */
  currency: string;
  released: boolean;
}

/** Page size when none is asked for. */
export const DEFAULT_REDEMPTION_PAGE = 50;
/** Largest page; a larger request gets this many. */
export const MAX_REDEMPTION_PAGE = 200;

/** A page of a promotion's redemptions, newest first, and the token of the next page ("" on the last). */
export async function listRedemptions(
  db: Db,
  input: { promotionId: string; pageSize: number; pageToken: string },
): Promise<{ redemptions: RedemptionView[]; nextPageToken: string }> {
  const promotionId = input.promotionId.trim();
  if (!promotionId) throw invalidRequest("Please say which promotion (promotion_id is empty).");
  if (input.pageSize < 0) throw invalidRequest("The page size cannot be negative.");
  const pageSize = Math.min(input.pageSize || DEFAULT_REDEMPTION_PAGE, MAX_REDEMPTION_PAGE);
  const offset = input.pageToken ? decodeOffset(input.pageToken) : 0;
  const [promotion] = await db
    .select({ currency: promotions.currency })
    .from(promotions)
    .where(eq(promotions.id, promotionId));
  if (!promotion) throw promotionNotFound(promotionId);
  // An offset, not a key: the page of an admin's screen, where a redemption made meanwhile shifting
  // a row to the next page matters little.
  const rows = await db
    .select()
    .from(redemptions)
    .where(eq(redemptions.promotionId, promotionId))
    .orderBy(desc(redemptions.createdAt), desc(redemptions.orderId))
    .limit(pageSize + 1)
    .offset(offset);
  const page = rows.slice(0, pageSize).map((row) => ({
    promotionId: row.promotionId,
    orderId: row.orderId,
    customerId: row.customerId,
    redeemedAt: row.createdAt,
    discount: row.discount,
    currency: row.currency || (promotion.currency ?? ""),
    released: row.releasedAt !== null,
  }));
  const next = rows.length > pageSize ? Buffer.from(`r:${offset + pageSize}`).toString("base64url") : "";
  return { redemptions: page, nextPageToken: next };
}

function decodeOffset(token: string): number {
  const match = /^r:(\d{1,9})$/.exec(Buffer.from(token, "base64url").toString("utf8"));
  if (!match) throw invalidRequest("The page token is not valid. Please start again from the first page.");
  return Number(match[1]);
}
