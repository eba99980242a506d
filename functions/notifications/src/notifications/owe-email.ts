/**
 * Owing an email: written in the transaction of the event that owes it, sent after commit.
 */
import type { Tx } from "@shop/runtime";
import { sql } from "drizzle-orm";
import { type EmailKind, type EmailState, emails, users } from "../db/schema.ts";

/** What an event owes. */
export interface OwedEmail {
  /** The event that owes it: one email per event, however often it is delivered. */
  eventSource: string;
  eventId: string;
  kind: EmailKind;
  userId: string;
  /** The address, when the event names it (identity's events); otherwise the users projection's. */
  recipient?: string;
  /** The event's message as protobuf JSON, rendered when sent. */
  data: Record<string, unknown>;
  now: Date;
}

/**
 * Stores the email `owed` describes: pending (due now) when its address is known, parked until the
 * customer's address arrives otherwise. The same event again stores nothing ("duplicate").
 */
export async function oweEmail(tx: Tx, owed: OwedEmail): Promise<EmailState | "duplicate"> {
  // The projection's address is read by the insert itself: one statement, not a select before it.
  // An empty address is no address: the email is parked until one is known.
  const recipient = owed.recipient
    ? sql`${owed.recipient}::text`
    : sql`nullif((select ${users.email} from ${users} where ${users.userId} = ${owed.userId}), '')`;
  const inserted = await tx.db
    .insert(emails)
    .values({
      eventSource: owed.eventSource,
      eventId: owed.eventId,
      kind: owed.kind,
      userId: owed.userId,
      recipient,
      data: owed.data,
      state: sql`case when ${recipient} is null then 'parked' else 'pending' end`,
      nextAttemptAt: sql`case when ${recipient} is null then null else ${owed.now.toISOString()}::timestamptz end`,
      createdAt: owed.now,
    })
    .onConflictDoNothing()
    .returning({ state: emails.state });
  return inserted[0]?.state ?? "duplicate";
}
