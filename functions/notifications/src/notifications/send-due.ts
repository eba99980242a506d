/**
 * One round of sending: the due emails are taken, rendered, handed to the SMTP server, and each
 * outcome recorded.
 */
import { type App, UnreadableCiphertextError } from "@shop/runtime";
import type { MailSender } from "../mail/smtp.ts";
import { claimDueEmails } from "./claim-due-emails.ts";
import { type EmailOutcome, type RetrySchedule, recordAttempt, type SendAttempt } from "./record-attempt.ts";
import { type RenderContext, renderEmail } from "./render-email.ts";

/** What a round of sending needs. */
export interface SendRound extends RenderContext {
  now: () => Date;
  schedule: RetrySchedule;
  sender: MailSender;
  /** How long an email being sent is kept from others, in ms (longer than a send can take). */
  leaseMs: number;
  /** The domain of our Message-IDs. */
  messageIdDomain: string;
}

/** What one round did: how many emails it took, and what each came to. */
export interface SendResult {
  claimed: number;
  outcomes: EmailOutcome[];
}

/**
 * Sends up to `limit` due emails: takes them with one statement (no transaction stays open while the
 * SMTP server answers), renders and sends each, side by side, and records each outcome with one
 * statement of its own (each commits by itself: neither needs a transaction around it). A process
 * that dies after the server took an email and before its outcome committed sends it again once the
 * lease is over: the only window in which an email goes out twice.
 */
export async function sendDue(
  app: Pick<App, "db">,
  { limit }: { limit: number },
  round: SendRound,
): Promise<SendResult> {
  const due = await claimDueEmails(app, { now: round.now(), limit, leaseMs: round.leaseMs });
  const outcomes = await Promise.all(
    due.map(async (email) => {
      const attempt = await sendOne(email, round);
      return recordAttempt(app, { email, attempt, now: round.now() }, round.schedule);
    }),
  );
  return { claimed: due.length, outcomes };
}

async function sendOne(email: Parameters<typeof renderEmail>[0], round: SendRound): Promise<SendAttempt> {
  if (!email.recipient) return { kind: "refused", reason: "it has no recipient" };
  let rendered: Awaited<ReturnType<typeof renderEmail>>;
  try {
    rendered = await renderEmail(email, round);
  } catch (error) {
    // A token no key opens never will; Vault being away is worth another try.
    if (error instanceof UnreadableCiphertextError) return { kind: "refused", reason: error.message };
    return { kind: "failed", reason: `it could not be rendered: ${(error as Error).message}` };
  }
  return round.sender.send({
    to: email.recipient,
    ...rendered,
    messageId: `<${email.id}@${round.messageIdDomain}>`,
  });
}
