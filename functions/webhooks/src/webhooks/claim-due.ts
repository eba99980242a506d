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
  const enabled = tx.db.select({ id: endpoints.id }).from(endpoints).where(eq(endpoints.enabled, true));
  const due = await tx.db
    .select({ id: deliveries.id })
    .from(deliveries)
    .where(
      and(
        eq(deliveries.status, "pending"),
        lte(deliveries.nextAttemptAt, now),
        inArray(deliveries.endpointId, enabled),
      ),
    )
    .orderBy(asc(deliveries.nextAttemptAt))
    .limit(limit)
    .for("update", { skipLocked: true });
  if (due.length === 0) return [];
  const leased = await tx.db
    .update(deliveries)
    .set({ nextAttemptAt: new Date(now.getTime() + leaseMs) })
    .where(
      inArray(
        deliveries.id,
        due.map((d) => d.id),
      ),
    )
    .returning();
  const owners = await tx.db
    .select()
    .from(endpoints)
    .where(
      inArray(
        endpoints.id,
        leased.map((d) => d.endpointId),
      ),
    );
  const byId = new Map(owners.map((endpoint) => [endpoint.id, endpoint]));
  return leased.flatMap((delivery) => {
    const endpoint = byId.get(delivery.endpointId);
    return endpoint ? [{ delivery, endpoint }] : [];
  });
}
