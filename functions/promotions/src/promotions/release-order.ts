/**
 * Releasing a cancelled order's redemptions: the saga's compensation in promotions.
 */
import type { Tx } from "@shop/runtime";
import { and, eq, isNull } from "drizzle-orm";
import { orderOutcomes, redemptions } from "../db/schema.ts";

/** A cancelled order. */
export interface OrderToRelease {
  orderId: string;
  customerId: string;
  now: Date;
}

/**
 * Releases every redemption of the order (they stop counting towards limits) and records the
 * cancellation, so an OrderPlaced for it arriving later does nothing. Idempotent: releasing again
 * releases nothing more. Returns how many redemptions this call released.
 */
export async function releaseOrder(
  { db }: Pick<Tx, "db">,
  order: OrderToRelease,
): Promise<{ released: number }> {
  // Upserting the outcome row first also waits for a concurrent pricing of the same order to end,
  // so its redemptions are committed (and released below) or never made.
  await db
    .insert(orderOutcomes)
    .values({
      orderId: order.orderId,
      customerId: order.customerId,
      outcome: "cancelled",
      updatedAt: order.now,
    })
    .onConflictDoUpdate({
      target: orderOutcomes.orderId,
      set: { outcome: "cancelled", updatedAt: order.now },
    });
  const released = await db
    .update(redemptions)
    .set({ releasedAt: order.now })
    .where(and(eq(redemptions.orderId, order.orderId), isNull(redemptions.releasedAt)))
    .returning({ promotionId: redemptions.promotionId });
  return { released: released.length };
}
