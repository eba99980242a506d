/**
 * Redriving dead letters by hand (the back office): now, whatever their schedule or state, each
 * once, the way the tick redrives: taken and leased in one short transaction, POSTed with no
 * transaction open, each outcome recorded in a transaction of its own.
 */
import { type AdminAction, type App, type Db, recordAdminAction, type Tx } from "@shop/runtime";
import { and, asc, eq, inArray, isNull, lte, ne, or } from "drizzle-orm";
import { deadLetters, type StoredLetter } from "../db/schema.ts";
import { KAFKA_EVENT_TYPE } from "./dead-letter.ts";
import { notRedrivable } from "./errors.ts";
import { type RedriveOutcome, recordRedrive } from "./record-redrive.ts";

/** Who asked for a redrive by hand, and through which RPC: what the audit log records. */
export type RedriveAudit = Pick<AdminAction, "actor" | "action">;

// The state a letter is left in by each outcome of a redrive.
const STATE_AFTER = {
  redriven: "redriven",
  rescheduled: "waiting",
  exhausted: "exhausted",
  refused: "dead",
} as const;

import type { RedriveRound } from "./redrive-due.ts";

/** Why `letter` cannot be redriven at all, as a phrase; undefined when it can. */
export function unredrivable(letter: Pick<StoredLetter, "destination" | "eventType">): string | undefined {
  if (letter.eventType === KAFKA_EVENT_TYPE) return "it was no CloudEvent, so no subscriber can take it";
  if (!/^https?:\/\//.test(letter.destination)) return "it names no http(s) subscriber to send it to";
  return undefined;
}

/**
 * Takes the letters `ids` that may be redriven now and leases them until `now + leaseMs`: not yet
 * redriven, not under way (leased by the tick or another admin), with a subscriber to send them to.
 * Each becomes `waiting` again while it is redriven, so that its outcome is recorded as the tick's is.
 */
export async function claimLetters(
  tx: Tx,
  { ids, now, leaseMs }: { ids: string[]; now: Date; leaseMs: number },
): Promise<StoredLetter[]> {
  if (ids.length === 0) return [];
  const free = await tx.db
    .select()
    .from(deadLetters)
    .where(
      and(
        inArray(deadLetters.id, ids),
        ne(deadLetters.state, "redriven"),
        or(isNull(deadLetters.leasedUntil), lte(deadLetters.leasedUntil, now)),
      ),
    )
    .orderBy(asc(deadLetters.receivedAt))
    .for("update", { skipLocked: true });
  const taken = free.filter((letter) => unredrivable(letter) === undefined).map((letter) => letter.id);
  if (taken.length === 0) return [];
  const until = new Date(now.getTime() + leaseMs);
  return tx.db
    .update(deadLetters)
    .set({ state: "waiting", nextAttemptAt: until, leasedUntil: until, resolvedAt: null })
    .where(inArray(deadLetters.id, taken))
    .returning();
}

/** What redriving one letter by hand came to: its outcome, or why it was not POSTed now. */
export type ManualRedrive =
  | { redriven: true; outcome: RedriveOutcome }
  | { redriven: false; letter: StoredLetter; why: "already-redriven" | "under-way" };

/**
 * Redrives `letter` now. A letter redriven already is left as it is (so the same request again
 * changes nothing); one under way answers as it stands; one that names no subscriber is refused.
 */
export async function redriveLetter(
  app: Pick<App, "transaction">,
  { letter, audit }: { letter: StoredLetter; audit: RedriveAudit },
  round: RedriveRound,
): Promise<ManualRedrive> {
  const why = unredrivable(letter);
  if (why) throw notRedrivable(letter.id, why);
  const [outcome] = await redriveLetters(app, { ids: [letter.id], audit }, round);
  if (outcome) return { redriven: true, outcome };
  const [stored] = await app.transaction((tx) =>
    tx.db.select().from(deadLetters).where(eq(deadLetters.id, letter.id)),
  );
  const current = stored ?? letter;
  return {
    redriven: false,
    letter: current,
    why: current.state === "redriven" ? "already-redriven" : "under-way",
  };
}

/**
 * Redrives the letters `ids` that may be redriven now (see {@link claimLetters}), `batch` at a time
 * side by side, and returns what each came to; the others are left as they are. Each outcome is
 * recorded with its entry in the audit log (`audit`), in one transaction.
 */
export async function redriveLetters(
  app: Pick<App, "transaction">,
  { ids, audit, batch = 20 }: { ids: string[]; audit: RedriveAudit; batch?: number },
  round: RedriveRound,
): Promise<RedriveOutcome[]> {
  const outcomes: RedriveOutcome[] = [];
  for (let i = 0; i < ids.length; i += batch) {
    const chunk = ids.slice(i, i + batch);
    const letters = await app.transaction((tx) =>
      claimLetters(tx, { ids: chunk, now: round.now(), leaseMs: round.leaseMs }),
    );
    const done = await Promise.all(
      letters.map(async (letter) => {
        const attempt = await round.deliver(letter);
        return app.transaction(async (tx) => {
          const now = round.now();
          const outcome = await recordRedrive(tx, { letter, attempt, now }, round.schedule);
          await recordAdminAction(tx, {
            ...audit,
            target: letter.id,
            before: { eventType: letter.eventType, eventId: letter.eventId, attempts: letter.attempts },
            after: {
              state: STATE_AFTER[outcome.outcome],
              attempts: outcome.attempts,
              status: attempt.status,
            },
            at: now,
          });
          return outcome;
        });
      }),
    );
    outcomes.push(...done);
  }
  return outcomes;
}

/** The ids of every letter of `eventType` not redriven yet, oldest first: what RedriveDeadLetters takes. */
export async function lettersToRedrive(db: Db, { eventType }: { eventType: string }): Promise<string[]> {
  const rows = await db
    .select({ id: deadLetters.id })
    .from(deadLetters)
    .where(and(eq(deadLetters.eventType, eventType), ne(deadLetters.state, "redriven")))
    .orderBy(asc(deadLetters.receivedAt));
  return rows.map((row) => row.id);
}
