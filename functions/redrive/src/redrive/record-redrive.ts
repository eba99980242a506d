/**
 * Recording what a redrive came to: redriven, rescheduled with the next delay, exhausted at the
 * horizon, or refused as malformed by the subscriber.
 */
import type { Tx } from "@shop/runtime";
import { and, eq } from "drizzle-orm";
import type { RedriveSchedule } from "../config.ts";
import { deadLetters, type StoredLetter } from "../db/schema.ts";
import { isTransientStatus } from "./classify.ts";
import type { Attempt } from "./deliver.ts";
import { nextRedrive } from "./schedule.ts";

/** What one redrive of a letter came to. */
export interface RedriveOutcome {
  letter: StoredLetter;
  outcome: "redriven" | "rescheduled" | "exhausted" | "refused";
  /** Redrives tried, this one included. */
  attempts: number;
  /** The subscriber's answer, or why there was none. */
  attempt: Attempt;
  /** When a rescheduled letter is redriven next. */
  nextAttemptAt?: Date;
}

/**
 * Records `attempt`, the redrive of `letter` at `now`: a 2xx marks it redriven; a failure Knative would
 * retry (no answer, 5xx, 404/408/409/429) reschedules it after the next delay, or exhausts it when
 * that would be past its horizon; any other answer means the subscriber refuses the event as
 * malformed: it stays dead.
 */
export async function recordRedrive(
  tx: Tx,
  { letter, attempt, now }: { letter: StoredLetter; attempt: Attempt; now: Date },
  schedule: RedriveSchedule,
): Promise<RedriveOutcome> {
  const attempts = letter.attempts + 1;
  const answered = attempt.status === undefined ? "did not answer" : `answered ${attempt.status}`;
  const why = `redrive ${attempts}: the subscriber ${answered}: ${attempt.detail.trim() || "no reason given"}`;
  const base = { attempts, errorCode: attempt.status ?? null, leasedUntil: null };
  let result: Omit<RedriveOutcome, "letter" | "attempts" | "attempt">;
  let set: Partial<StoredLetter>;
  if (attempt.status !== undefined && attempt.status >= 200 && attempt.status < 300) {
    result = { outcome: "redriven" };
    set = { ...base, state: "redriven", nextAttemptAt: null, resolvedAt: now };
  } else if (!isTransientStatus(attempt.status)) {
    result = { outcome: "refused" };
    set = { ...base, kind: "malformed", state: "dead", lastError: why, nextAttemptAt: null, resolvedAt: now };
  } else {
    const next = nextRedrive(now, attempts, letter.giveUpAt ?? now, schedule);
    result = next ? { outcome: "rescheduled", nextAttemptAt: next } : { outcome: "exhausted" };
    set = next
      ? { ...base, lastError: why, nextAttemptAt: next }
      : { ...base, state: "exhausted", lastError: why, nextAttemptAt: null, resolvedAt: now };
  }
  await tx.db
    .update(deadLetters)
    .set(set)
    .where(and(eq(deadLetters.id, letter.id), eq(deadLetters.state, "waiting")));
  return { letter, attempts, attempt, ...result };
}
