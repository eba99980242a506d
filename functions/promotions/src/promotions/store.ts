/**
 * Reading promotions and their redemption counts, shared by the verbs.
 */
import type { Db } from "@shop/runtime";
import { and, asc, gt, inArray, isNull, lte, or, type SQL, sql } from "drizzle-orm";
import { promotions, redemptions } from "../db/schema.ts";
import type { PromotionRule } from "./pricing.ts";
import type { CouponRejection } from "./reasons.ts";

/** A promotion row as stored. */
export type PromotionRow = typeof promotions.$inferSelect;

/** Unreleased redemptions of one promotion: in all, and by the customer asked about. */
export interface RedemptionCount {
  total: number;
  byCustomer: number;
}

/** A code as it is stored and compared: trimmed, upper-case. */
export function normalizeCode(code: string): string {
  return code.trim().toUpperCase();
}

/** The pricing rule of a stored promotion. */
export function toRule(row: PromotionRow): PromotionRule {
  return {
    id: row.id,
    name: row.name,
    code: row.code,
    kind: row.kind,
    percentOff: row.percentOff,
    amountOff: row.amountOff,
    currency: row.currency,
    minimumOrder: row.minimumOrder,
    startsAt: row.startsAt,
    endsAt: row.endsAt,
    productIds: row.productIds,
    category: row.category,
  };
}

/** The promotion with code `code` (any case), if there is one. */
export async function findByCode(db: Db, code: string): Promise<PromotionRow | undefined> {
  const [row] = await db
    .select()
    .from(promotions)
    .where(sql`upper(${promotions.code}) = ${normalizeCode(code)}`);
  return row;
}

/** The promotions a cart is assessed against: the coupon typed, if it exists, and the automatic ones. */
export interface Candidates {
  coupon: PromotionRow | undefined;
  /** The automatic promotions running then, oldest first (the order they stack in). */
  automatic: PromotionRow[];
}

/**
 * Which promotions are candidates for a cart: the one with code `code` (normalised; none when
 * empty), whatever its dates, and the automatic promotions running at `now`. Read in the order of
 * `candidatesOrder`, then split by `candidatesOf`.
 */
export function candidatesWhere(code: string, now: Date): SQL {
  const automatic = and(
    isNull(promotions.code),
    or(isNull(promotions.startsAt), lte(promotions.startsAt, now)),
    or(isNull(promotions.endsAt), gt(promotions.endsAt, now)),
  )!;
  return code ? or(sql`upper(${promotions.code}) = ${code}`, automatic)! : automatic;
}

/** The order candidates are read in: oldest first, the order automatic promotions stack in. */
export const candidatesOrder = [asc(promotions.createdAt), asc(promotions.id)];

/** The rows `candidatesWhere` matched, as the coupon (the one with a code) and the automatic ones. */
export function candidatesOf(rows: PromotionRow[]): Candidates {
  return {
    coupon: rows.find((row) => row.code !== null),
    automatic: rows.filter((row) => row.code === null),
  };
}

/** The candidates for a cart with `code` typed (normalised) at `now`, in one read. */
export async function findCandidates(db: Db, code: string, now: Date): Promise<Candidates> {
  const rows = await db
    .select()
    .from(promotions)
    .where(candidatesWhere(code, now))
    .orderBy(...candidatesOrder);
  return candidatesOf(rows);
}

/** Whether a promotion has a limit that redemptions count against (only those need the row lock). */
export function hasLimit(row: PromotionRow): boolean {
  return row.maxRedemptions > 0 || row.maxPerCustomer > 0;
}

/**
 * Locks the promotion rows `ids` (SELECT ... FOR UPDATE) until the transaction ends, in id order so
 * two orders locking the same promotions never deadlock. Whoever holds the lock sees every redemption committed before it.
 */
export async function lockPromotions(db: Db, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .select({ id: promotions.id })
    .from(promotions)
    .where(inArray(promotions.id, ids))
    .orderBy(asc(promotions.id))
    .for("update");
}

/** Unreleased redemptions of each promotion in `ids`, in all and by `customerId` (when known). */
export async function countRedemptions(
  db: Db,
  ids: string[],
  customerId: string | undefined,
): Promise<Map<string, RedemptionCount>> {
  const counts = new Map<string, RedemptionCount>();
  if (ids.length === 0) return counts;
  const rows = await db
    .select({
      promotionId: redemptions.promotionId,
      total: sql<number>`count(*)::int`,
      byCustomer: sql<number>`(count(*) filter (where ${redemptions.customerId} = ${customerId ?? ""}))::int`,
    })
    .from(redemptions)
    .where(and(inArray(redemptions.promotionId, ids), isNull(redemptions.releasedAt)))
    .groupBy(redemptions.promotionId);
  for (const row of rows)
    counts.set(row.promotionId, { total: Number(row.total), byCustomer: Number(row.byCustomer) });
  return counts;
}

/** Why `row` cannot be redeemed once more (by `customerId`, when known), or undefined if it can. */
export function limitReached(
  row: PromotionRow,
  count: RedemptionCount | undefined,
  customerId: string | undefined,
): CouponRejection | undefined {
  const { total, byCustomer } = count ?? { total: 0, byCustomer: 0 };
  if (row.maxRedemptions > 0 && total >= row.maxRedemptions) {
    return { kind: "exhausted", singleUse: row.singleUse || row.maxRedemptions === 1 };
  }
  if (customerId !== undefined && row.maxPerCustomer > 0 && byCustomer >= row.maxPerCustomer) {
    return { kind: "customer-limit", maxPerCustomer: row.maxPerCustomer };
  }
  return undefined;
}

/** Unreleased redemptions per promotion, for listing. */
export async function redemptionCounts(db: Db): Promise<Map<string, number>> {
  const rows = await db
    .select({ promotionId: redemptions.promotionId, count: sql<number>`count(*)::int` })
    .from(redemptions)
    .where(isNull(redemptions.releasedAt))
    .groupBy(redemptions.promotionId);
  return new Map(rows.map((row) => [row.promotionId, Number(row.count)]));
}
