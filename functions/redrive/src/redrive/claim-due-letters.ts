/**
 * Taking the dead letters whose redrive is due.
 */
import type { Tx } from "@shop/runtime";
import { and, asc, eq, inArray, isNull, lte, or } from "drizzle-orm";
import { deadLetters, type StoredLetter } from "../db/schema.ts";

/**
 * Takes up to `limit` waiting letters due at `now`, soonest first, and leases them until
 * `now + leaseMs`: their next attempt moves there, so another replica (or the next tick) does not
 * take them while this one redrives, and a process that dies mid-redrive leaves them to be taken
 * again once the lease is over. SKIP LOCKED lets replicas share the work.
 */
export async function claimDueLetters(
  tx: Tx,
  { now, limit, leaseMs }: { now: Date; limit: number; leaseMs: number },
): Promise<StoredLetter[]> {
  const due = await tx.db
    .select({ id: deadLetters.id })
    .from(deadLetters)
    .where(
      and(
        eq(deadLetters.state, "waiting"),
        lte(deadLetters.nextAttemptAt, now),
        // A letter an admin is redriving by hand is left to that redrive.
        or(isNull(deadLetters.leasedUntil), lte(deadLetters.leasedUntil, now)),
      ),
    )
    .orderBy(asc(deadLetters.nextAttemptAt))
    .limit(limit)
    .for("update", { skipLocked: true });
  if (due.length === 0) return [];
  return tx.db
    .update(deadLetters)
    .set({ nextAttemptAt: new Date(now.getTime() + leaseMs), leasedUntil: new Date(now.getTime() + leaseMs) })
    .where(
      inArray(
        deadLetters.id,
        due.map((d) => d.id),
      ),
    )
    .returning();
}
