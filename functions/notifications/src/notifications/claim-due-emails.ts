/**
 * Taking the pending emails that are due.
 */
import type { Tx } from "@shop/runtime";
import { and, asc, eq, inArray, lte } from "drizzle-orm";
import { emails, type StoredEmail } from "../db/schema.ts";

/**
 * Takes up to `limit` pending emails due at `now`, soonest first, and leases them until
 * `now + leaseMs`: their next attempt moves there, so another replica (or the next round) does not
 * send them while this one does, and a process that dies mid-send leaves them to be taken again once
 * the lease is over. SKIP LOCKED lets replicas share the work.
 */
export async function claimDueEmails(
  tx: Pick<Tx, "db">,
  { now, limit, leaseMs }: { now: Date; limit: number; leaseMs: number },
): Promise<StoredEmail[]> {
  // One statement (the queue's UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)), so it needs
  // no transaction around it: the rows are locked, leased and returned at once.
  const due = tx.db
    .select({ id: emails.id })
    .from(emails)
    .where(and(eq(emails.state, "pending"), lte(emails.nextAttemptAt, now)))
    .orderBy(asc(emails.nextAttemptAt))
    .limit(limit)
    .for("update", { skipLocked: true });
  return tx.db
    .update(emails)
    .set({ nextAttemptAt: new Date(now.getTime() + leaseMs) })
    .where(inArray(emails.id, due))
    .returning();
}
