/**
 * What a try to send an email came to.
 */
import type { Tx } from "@shop/runtime";
import { eq, sql } from "drizzle-orm";
import { emails, type StoredEmail } from "../db/schema.ts";

/** How one send went: taken by the SMTP server, refused for good, or worth another try. */
export type SendAttempt =
  | { kind: "sent" }
  | { kind: "refused"; reason: string }
  | { kind: "failed"; reason: string };

/** When failing emails are tried again, and until when. */
export interface RetrySchedule {
  delaysMs: number[];
  horizonMs: number;
}

/** What became of the email: sent, failed for good, or due again at `nextAttemptAt`. */
export type EmailOutcome =
  | { email: StoredEmail; state: "sent" }
  | { email: StoredEmail; state: "failed"; reason: string }
  | { email: StoredEmail; state: "pending"; reason: string; nextAttemptAt: Date };

/**
 * Records `attempt` of `email`: sent; refused → failed; failed → the next delay, or failed once the
 * next try would come past the horizon (counted from when the email was owed).
 */
export async function recordAttempt(
  tx: Pick<Tx, "db">,
  { email, attempt, now }: { email: StoredEmail; attempt: SendAttempt; now: Date },
  schedule: RetrySchedule,
): Promise<EmailOutcome> {
  const attempts = email.attempts + 1;
  if (attempt.kind === "sent") {
    await recordSent(tx, [{ id: email.id, attempts, sentAt: now }]);
    return { email, state: "sent" };
  }
  const delay = schedule.delaysMs[Math.min(email.attempts, schedule.delaysMs.length - 1)] ?? 60_000;
  const next = new Date(now.getTime() + delay);
  const giveUp = email.createdAt.getTime() + schedule.horizonMs;
  if (attempt.kind === "refused" || next.getTime() > giveUp) {
    await tx.db
      .update(emails)
      .set({ state: "failed", attempts, nextAttemptAt: null, lastError: attempt.reason })
      .where(eq(emails.id, email.id));
    return { email, state: "failed", reason: attempt.reason };
  }
  await tx.db
    .update(emails)
    .set({ attempts, nextAttemptAt: next, lastError: attempt.reason })
    .where(eq(emails.id, email.id));
  return { email, state: "pending", reason: attempt.reason, nextAttemptAt: next };
}

/** An email the SMTP server took: its attempts counted with this one, and when. */
export interface SentEmail {
  id: string;
  attempts: number;
  sentAt: Date;
}

/**
 * Records `sent` emails as sent, with one statement for all of them, each with its own attempts and
 * time: what `recordAttempt` writes for a sent email.
 */
export async function recordSent(tx: Pick<Tx, "db">, sent: SentEmail[]): Promise<void> {
  const rows = sent.map(
    (email) =>
      sql`(${email.id}::uuid, ${email.attempts}::integer, ${email.sentAt.toISOString()}::timestamptz)`,
  );
  await tx.db.execute(sql`
    update ${emails} set state = 'sent', attempts = sent.attempts, sent_at = sent.sent_at,
      next_attempt_at = null, last_error = null
    from (values ${sql.join(rows, sql`, `)}) as sent (id, attempts, sent_at)
    where ${emails.id} = sent.id`);
}
