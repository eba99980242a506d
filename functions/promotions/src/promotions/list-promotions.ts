/**
 * Listing promotions (admin).
 */
import type { Db } from "@shop/runtime";
import { asc } from "drizzle-orm";
import { promotions } from "../db/schema.ts";
import type { PromotionView } from "./create-promotion.ts";
import { redemptionCounts } from "./store.ts";

/** Every promotion, oldest first, with its unreleased redemptions. */
export async function listPromotions(db: Db): Promise<PromotionView[]> {
  const [rows, counts] = await Promise.all([
    db.select().from(promotions).orderBy(asc(promotions.createdAt), asc(promotions.id)),
    redemptionCounts(db),
  ]);
  return rows.map((row) => ({ ...row, redemptionCount: counts.get(row.id) ?? 0 }));
}
