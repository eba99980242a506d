/**
 * Owing an email: written in the transaction of the event that owes it, sent after commit.
 */
import type { Tx } from "@shop/runtime";
import { eq } from "drizzle-orm";
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
  let recipient = owed.recipient;
  if (!recipient) {
    const [user] = await tx.db
      .select({ email: users.email })
      .from(users)
      .where(eq(users.userId, owed.userId));
    recipient = user?.email;
  }
  const state: EmailState = recipient ? "pending" : "parked";
  const inserted = await tx.db
    .insert(emails)
    .values({
      eventSource: owed.eventSource,
      eventId: owed.eventId,
      kind: owed.kind,
      userId: owed.userId,
      recipient: recipient ?? null,
      data: owed.data,
      state,
      nextAttemptAt: recipient ? owed.now : null,
      createdAt: owed.now,
    })
    .onConflictDoNothing()
    .returning({ id: emails.id });
  return inserted.length === 0 ? "duplicate" : state;
}
