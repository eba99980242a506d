/**
 * One round of redrives: the due dead letters are taken, their events POSTed to their subscribers,
 * and each outcome recorded.
 */
import type { App } from "@shop/runtime";
import type { RedriveSchedule } from "../config.ts";
import { claimDueLetters } from "./claim-due-letters.ts";
import type { Deliver } from "./deliver.ts";
import { type RedriveOutcome, recordRedrive } from "./record-redrive.ts";

/** What a round of redrives needs. */
export interface RedriveRound {
  now: () => Date;
  schedule: RedriveSchedule;
  deliver: Deliver;
  /** How long a letter being redriven is kept from others, in ms (longer than a delivery can take). */
  leaseMs: number;
}

/** What one round did: how many letters it took, and what each redrive came to. */
export interface RedriveResult {
  claimed: number;
  outcomes: RedriveOutcome[];
}

/**
 * Redrives up to `limit` dead letters that are due: takes them in one short transaction (no
 * transaction stays open while a subscriber answers), POSTs each one's original event to the
 * subscriber that failed, side by side, and records each outcome in a transaction of its own.
 */
export async function redriveDue(
  app: Pick<App, "transaction">,
  { limit }: { limit: number },
  round: RedriveRound,
): Promise<RedriveResult> {
  const letters = await app.transaction((tx) =>
    claimDueLetters(tx, { now: round.now(), limit, leaseMs: round.leaseMs }),
  );
  const outcomes = await Promise.all(
    letters.map(async (letter) => {
      const attempt = await round.deliver(letter);
      return app.transaction((tx) =>
        recordRedrive(tx, { letter, attempt, now: round.now() }, round.schedule),
      );
    }),
  );
  return { claimed: letters.length, outcomes };
}
