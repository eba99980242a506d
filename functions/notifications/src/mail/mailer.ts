/**
 * The mailer: sends the pending emails after each commit that owes one (a kick), and on every tick
 * (the sweeper of what a crash, an SMTP outage or a parked email left behind). One drain at a time
 * per process; a kick during a drain makes it go round once more.
 */
import type { App, Logger, Metrics } from "@shop/runtime";
import { type SendRound, sendDue } from "../notifications/index.ts";

/** Sends the due emails now and again. */
export interface Mailer {
  /** Asks for a drain soon (after a commit that owes an email); never throws. */
  kick(): void;
  /** Sends every due email, round after round until a round comes back short. */
  drain(): Promise<void>;
  /** Waits for the drain under way and closes the SMTP connection. */
  close(): Promise<void>;
}

/** A mailer sending through `round`, `batch` emails a round, counting what became of each. */
export function createMailer(
  app: Pick<App, "db">,
  round: SendRound,
  { batch, logger, metrics }: { batch: number; logger: Logger; metrics: Metrics },
): Mailer {
  const sent = metrics.counter<"kind">("shop_emails_sent_total", "Emails the SMTP server took, by kind", [
    "kind",
  ]);
  const failed = metrics.counter<"kind">(
    "shop_emails_failed_total",
    "Emails given up on (refused for good, or failing past the horizon), by kind",
    ["kind"],
  );
  const retried = metrics.counter<"kind">(
    "shop_emails_retried_total",
    "Sends that failed and will be tried again, by kind",
    ["kind"],
  );
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;
  const rounds = async () => {
    do {
      again = false;
      for (;;) {
        const { claimed, outcomes } = await sendDue(app, { limit: batch }, round);
        for (const outcome of outcomes) {
          const about = {
            emailId: outcome.email.id,
            kind: outcome.email.kind,
            eventId: outcome.email.eventId,
          };
          if (outcome.state === "sent") sent.inc({ kind: outcome.email.kind });
          else if (outcome.state === "failed") {
            failed.inc({ kind: outcome.email.kind });
            logger.warn({ ...about, reason: outcome.reason }, "email given up: %s", outcome.reason);
          } else {
            retried.inc({ kind: outcome.email.kind });
            logger.info({ ...about, reason: outcome.reason }, "email not sent yet, tried again later");
          }
        }
        if (claimed < batch) break;
      }
    } while (again && !closed);
  };
  const drain = () => {
    if (running) {
      again = true;
      return running;
    }
    running = rounds().finally(() => {
      running = undefined;
      // A kick that came after the last round looked: one more drain, so its email does not wait a tick.
      if (again && !closed) void drain().catch(() => undefined);
    });
    return running;
  };
  return {
    kick() {
      if (closed) return;
      drain().catch((error: unknown) =>
        // The tick's sweep sends what this one could not (the database away, say).
        logger.warn({ err: error }, "sending emails failed; the next tick tries again"),
      );
    },
    drain,
    async close() {
      closed = true;
      await running?.catch(() => undefined);
      round.sender.close();
    },
  };
}
