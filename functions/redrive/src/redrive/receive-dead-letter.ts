/**
 * Taking in a dead letter: classified, stored, and for a transient one, scheduled for its first redrive.
 */
import type { Tx } from "@shop/runtime";
import { ne } from "drizzle-orm";
import type { RedriveSchedule } from "../config.ts";
import { deadLetters, type LetterKind, type LetterState } from "../db/schema.ts";
import { classify } from "./classify.ts";
import type { DeadLetter } from "./dead-letter.ts";
import { firstRedrive } from "./schedule.ts";

/** What became of a dead letter received. */
export interface Received {
  /** `duplicate`: the same letter is already waiting for a redrive (the KafkaSource delivered it again). */
  outcome: "stored" | "duplicate";
  kind: LetterKind;
  state: LetterState;
  reason: string;
  /** When a transient letter is redriven first. */
  nextAttemptAt?: Date;
}

/**
 * Stores `letter` as received at `now`: a transient one waiting for its first redrive, a malformed one
 * dead. The same letter again (same event, same subscriber) changes nothing while it waits; once done
 * with (redriven, exhausted, dead) it is a new failure of that subscriber and starts over.
 */
export async function receiveDeadLetter(
  tx: Tx,
  { letter, now }: { letter: DeadLetter; now: Date },
  schedule: RedriveSchedule,
): Promise<Received> {
  const { kind, reason } = classify(letter);
  const state: LetterState = kind === "transient" ? "waiting" : "dead";
  const timing = kind === "transient" ? firstRedrive(now, schedule) : undefined;
  const code = Number(letter.errorCode);
  const row = {
    eventSource: letter.eventSource,
    eventId: letter.eventId,
    eventType: letter.eventType,
    destination: letter.destination,
    kind,
    state,
    errorCode: Number.isInteger(code) && letter.errorCode !== undefined ? code : null,
    reason,
    lastError: null,
    attributes: letter.attributes,
    data: letter.data,
    attempts: 0,
    receivedAt: now,
    nextAttemptAt: timing?.nextAttemptAt ?? null,
    giveUpAt: timing?.giveUpAt ?? null,
    resolvedAt: timing ? null : now,
  };
  const stored = await tx.db
    .insert(deadLetters)
    .values(row)
    .onConflictDoUpdate({
      target: [deadLetters.eventSource, deadLetters.eventId, deadLetters.destination],
      set: row,
      setWhere: ne(deadLetters.state, "waiting"),
    })
    .returning({ id: deadLetters.id });
  return {
    outcome: stored.length === 0 ? "duplicate" : "stored",
    kind,
    state,
    reason,
    ...(timing ? { nextAttemptAt: timing.nextAttemptAt } : {}),
  };
}
