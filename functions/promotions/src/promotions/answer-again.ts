/**
 * The answer promotions already gave an order, given again. The saga's reconciler asks for an overdue
 * order again (orders re-emits OrderPlaced with a new event id); promotions then answers from what it
 * stored the first time — never by pricing again, which could redeem twice or judge differently — so
 * that the re-ask travels on to the step that is missing.
 */
import type { Db } from "@shop/runtime";
import { asc, eq, sql } from "drizzle-orm";
import { orderOutcomes, promotions, redemptions } from "../db/schema.ts";

/** The answer given to an order, as stored; `cancelled` (the tombstone) means: answer nothing. */
export type StoredAnswer =
  /** `freeShipping`: one of its promotions made the shipping free. */
  (
    | { outcome: "priced"; promotions: string[]; discount: bigint; freeShipping: boolean }
    | { outcome: "rejected"; reason: string }
    | { outcome: "cancelled" }
  ) & {
    /** The OrderPlaced (its source and id) that claimed the order first; none for a tombstone. */
    claimedBy?: { source: string; id: string };
  };

/**
 * The answer stored for `orderId`, its outcome row locked until the transaction ends (so an
 * OrderCancelled in flight for it is either before this read or after the answer). A priced order's
 * promotions are its redemptions, in the order pricing stacked them: the coupon (the only one with a
 * code) first, then the automatic ones oldest first, as `candidatesOrder` (store.ts) reads them.
 */
export async function storedAnswer(db: Db, orderId: string): Promise<StoredAnswer> {
  const [stored] = await db
    .select({
      outcome: orderOutcomes.outcome,
      reason: orderOutcomes.reason,
      claimedBySource: orderOutcomes.claimedBySource,
      claimedById: orderOutcomes.claimedById,
    })
    .from(orderOutcomes)
    .where(eq(orderOutcomes.orderId, orderId))
    .for("update");
  if (!stored) return { outcome: "cancelled" };
  const claimedBy =
    stored.claimedBySource !== null && stored.claimedById !== null
      ? { claimedBy: { source: stored.claimedBySource, id: stored.claimedById } }
      : {};
  if (stored.outcome === "cancelled") return { outcome: "cancelled", ...claimedBy };
  if (stored.outcome === "rejected") return { outcome: "rejected", reason: stored.reason, ...claimedBy };
  const redeemed = await db
    .select({ name: promotions.name, kind: promotions.kind, discount: redemptions.discount })
    .from(redemptions)
    .innerJoin(promotions, eq(promotions.id, redemptions.promotionId))
    .where(eq(redemptions.orderId, orderId))
    .orderBy(sql`${promotions.code} is null`, asc(promotions.createdAt), asc(promotions.id));
  return {
    outcome: "priced",
    promotions: redeemed.map(({ name }) => name),
    discount: redeemed.reduce((sum, { discount }) => sum + discount, 0n),
    freeShipping: redeemed.some(({ kind }) => kind === "free_shipping"),
    ...claimedBy,
  };
}
