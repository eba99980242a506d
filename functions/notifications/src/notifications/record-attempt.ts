/**
 * What a try to send an email came to.
 */
import type { Tx } from "@shop/runtime";
import { eq } from "drizzle-orm";
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
    await tx.db
      .update(emails)
      .set({ state: "sent", attempts, sentAt: now, nextAttemptAt: null, lastError: null })
      .where(eq(emails.id, email.id));
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
