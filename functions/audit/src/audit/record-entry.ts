/**
 * recordEntry: keeps one admin action in the log, once.
 */
import type { Tx } from "@shop/runtime";
import { entries } from "../db/schema.ts";

/** An admin action as AdminActionRecorded carries it, with the event's id and source. */
export interface AuditEntry {
  id: string;
  source: string;
  actorId: string;
  actorEmail: string;
  action: string;
  target: string;
  before: string;
  after: string;
  at: Date;
}

/**
 * Appends `entry`; an entry already there (the same event again) is left as it is: the log is
 * append-only, and the processed-events record makes a redelivery a no-op before this anyway.
 */
export async function recordEntry(tx: Pick<Tx, "db">, entry: AuditEntry, now: Date): Promise<boolean> {
  const inserted = await tx.db
    .insert(entries)
    .values({ ...entry, recordedAt: now })
    .onConflictDoNothing({ target: entries.id })
    .returning({ id: entries.id });
  return inserted.length > 0;
}
