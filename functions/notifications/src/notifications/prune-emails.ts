/**
 * Retention of the emails done with.
 */
import type { Tx } from "@shop/runtime";
import { and, inArray, lt } from "drizzle-orm";
import { emails } from "../db/schema.ts";

/**
 * Deletes the emails sent or given up on that were owed before `before` (their data holds a
 * customer's order and address: kept for support, not for ever). Returns how many. Pending and
 * parked emails are never deleted.
 */
export async function pruneEmails(tx: Tx, { before }: { before: Date }): Promise<number> {
  const deleted = await tx.db
    .delete(emails)
    .where(and(inArray(emails.state, ["sent", "failed"]), lt(emails.createdAt, before)))
    .returning({ id: emails.id });
  return deleted.length;
}
