/**
 * Reporting dead letters: a log line for each (a warning for those that stay dead) and the counters
 * of /metrics.
 */
import type { Logger, Metrics } from "@shop/runtime";
import type { LetterKind } from "../db/schema.ts";
import type { DeadLetter } from "./dead-letter.ts";
import type { Received } from "./receive-dead-letter.ts";
import type { RedriveOutcome } from "./record-redrive.ts";

/** Tells people and Prometheus what became of dead letters. */
export interface RedriveReport {
  /** A dead letter arrived (after its transaction committed). */
  received(letter: DeadLetter, received: Received, logger: Logger): void;
  /** A redrive came to `outcome` (after it was recorded). */
  redriven(outcome: RedriveOutcome): void;
}

/** The report of a running redrive: its counters in `metrics`, its lines in `logger`. */
export function createReport(metrics: Metrics, logger: Logger): RedriveReport {
  // The label is the letter's kind: the sentence of its reason names a subscriber and a status,
  // too many values for a label (it is in the log line and `shop dlq list`).
  const received = metrics.counter<"reason">(
    "shop_dead_letters_total",
    "Dead letters received, by reason: transient (redriven automatically) or malformed (stays dead)",
    ["reason"],
  );
  const redriven = metrics.counter(
    "shop_dead_letters_redriven_total",
    "Dead letters whose event a redrive delivered to its subscriber",
  );
  const exhausted = metrics.counter(
    "shop_dead_letters_exhausted_total",
    "Transient dead letters still failing at the redrive horizon: they stay dead",
  );
  const refused = metrics.counter(
    "shop_dead_letters_refused_total",
    "Transient dead letters whose subscriber refused the redriven event as malformed (4xx): they stay dead",
  );
  const about = (l: { eventId: string; eventType: string; eventSource: string; destination: string }) => ({
    eventId: l.eventId,
    eventType: l.eventType,
    eventSource: l.eventSource,
    destination: l.destination,
  });
  return {
    received(letter, result, log) {
      if (result.outcome === "duplicate") return;
      received.inc({ reason: result.kind satisfies LetterKind });
      const fields = { ...about(letter), kind: result.kind, reason: result.reason };
      if (result.kind === "malformed") {
        log.warn(fields, "dead letter stays dead: %s", result.reason);
      } else {
        log.info({ ...fields, nextAttemptAt: result.nextAttemptAt }, "dead letter will be redriven");
      }
    },
    redriven({ letter, outcome, attempts, attempt, nextAttemptAt }) {
      const fields = { ...about(letter), attempts, status: attempt.status, detail: attempt.detail };
      if (outcome === "redriven") {
        redriven.inc();
        logger.info(fields, "dead letter redriven: its subscriber took the event");
      } else if (outcome === "rescheduled") {
        logger.info({ ...fields, nextAttemptAt }, "redrive failed; trying again later");
      } else if (outcome === "exhausted") {
        exhausted.inc();
        logger.warn(
          fields,
          "dead letter stays dead: still failing after %d redrives, at its horizon",
          attempts,
        );
      } else {
        refused.inc();
        logger.warn(fields, "dead letter stays dead: its subscriber refused the redriven event");
      }
    },
  };
}
