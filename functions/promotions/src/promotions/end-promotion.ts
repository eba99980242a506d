/**
 * Ending a promotion early (admin): it stops applying from now on; redemptions already made stay.
 */
import { type AdminAction, recordAdminAction, type Tx } from "@shop/runtime";
import { eq } from "drizzle-orm";
import { promotions } from "../db/schema.ts";
import type { PromotionView } from "./create-promotion.ts";
import { invalidRequest, promotionAlreadyEnded, promotionNotFound } from "./errors.ts";
import { countRedemptions } from "./store.ts";

/**
 * Sets the promotion's end to `now` (and its start too, if it had not started: it never will).
 * Refuses one that has already ended (FailedPrecondition) and an unknown id (NotFound). Recorded in the
 * audit log with the promotion before and after.
 */
export async function endPromotion(
  tx: Tx,
  input: { id: string; now: Date; actor: AdminAction["actor"] },
): Promise<PromotionView> {
  const id = input.id.trim();
  if (!id) throw invalidRequest("Please say which promotion to end (id is empty).");
  const { now } = input;
  // Locked, so the "before" of the audit entry is the state this write replaces. An order priced
  // while this commits may still get the promotion: it was decided before the end.
  const [before] = await tx.db.select().from(promotions).where(eq(promotions.id, id)).for("update");
  if (!before) throw promotionNotFound(id);
  if (before.endsAt && before.endsAt <= now) throw promotionAlreadyEnded(before.name, before.endsAt);
  const startsAt = before.startsAt && before.startsAt > now ? now : before.startsAt;
  const [after] = await tx.db
    .update(promotions)
    .set({ endsAt: now, startsAt })
    .where(eq(promotions.id, id))
    .returning();
  if (!after) throw new Error(`update of promotion ${id} returned nothing`);
  await recordAdminAction(tx, {
    actor: input.actor,
    action: "promotions.EndPromotion",
    target: id,
    before,
    after,
    at: now,
  });
  const counts = await countRedemptions(tx.db, [id], undefined);
  return { ...after, redemptionCount: counts.get(id)?.total ?? 0 };
}
