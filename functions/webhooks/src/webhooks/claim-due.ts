/**
 * Taking the deliveries whose attempt is due.
 */
import type { Tx } from "@shop/runtime";
import { and, asc, eq, inArray, lte } from "drizzle-orm";
import { deliveries, endpoints, type StoredDelivery, type StoredEndpoint } from "../db/schema.ts";

/** A delivery taken for an attempt, with its endpoint. */
export interface ClaimedDelivery {
  delivery: StoredDelivery;
  endpoint: StoredEndpoint;
}

/**
 * Takes up to `limit` pending deliveries of enabled endpoints due at `now`, soonest first, and leases
 * them until `now + leaseMs` (their next attempt moves there), so another replica or the next tick does
 * not take them while this one sends, and a process that dies mid-send leaves them to be taken again.
 */
export async function claimDue(
  tx: Tx,
  { now, limit, leaseMs }: { now: Date; limit: number; leaseMs: number },
): Promise<ClaimedDelivery[]> {
  const due = await tx.db
    .select({ delivery: deliveries, endpoint: endpoints })
    .from(deliveries)
    .innerJoin(endpoints, eq(endpoints.id, deliveries.endpointId))
    .where(
      and(eq(deliveries.status, "pending"), eq(endpoints.enabled, true), lte(deliveries.nextAttemptAt, now)),
    )
    .orderBy(asc(deliveries.nextAttemptAt))
    .limit(limit)
    .for("update", { of: deliveries, skipLocked: true });
  if (due.length === 0) return [];
  const leased = new Date(now.getTime() + leaseMs);
  await tx.db
    .update(deliveries)
    .set({ nextAttemptAt: leased })
    .where(
      inArray(
        deliveries.id,
        due.map((d) => d.delivery.id),
      ),
    );
  return due;
}
