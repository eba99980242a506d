/**
 * One round of the sender: the due deliveries are taken, sent side by side, and each outcome recorded;
 * no transaction stays open while an endpoint answers.
 */
import type { App } from "@shop/runtime";
import type { RetrySchedule } from "../config.ts";
import { claimDue } from "./claim-due.ts";
import { type AttemptOutcome, recordAttempt } from "./record-attempt.ts";
import type { SigningSecrets } from "./secrets.ts";
import type { Send } from "./send.ts";

/** What a round needs. */
export interface SenderRound {
  now: () => Date;
  schedule: RetrySchedule;
  send: Send;
  secrets: SigningSecrets;
  /** How long a delivery being sent is kept from others, in ms (longer than an attempt can take). */
  leaseMs: number;
}

/** What one round did: how many deliveries it took, and what each attempt came to. */
export interface SenderResult {
  claimed: number;
  outcomes: AttemptOutcome[];
}

/** Sends up to `limit` due deliveries. */
export async function deliverDue(
  app: Pick<App, "transaction">,
  { limit }: { limit: number },
  round: SenderRound,
): Promise<SenderResult> {
  const claimed = await app.transaction((tx) =>
    claimDue(tx, { now: round.now(), limit, leaseMs: round.leaseMs }),
  );
  const outcomes = await Promise.all(
    claimed.map(async ({ delivery, endpoint }) => {
      const secret = await round.secrets
        .read(endpoint.secretRef, endpoint.secretVersion)
        .catch(() => undefined);
      const attempt = secret
        ? await round.send({
            id: delivery.id,
            url: endpoint.url,
            format: endpoint.format,
            attributes: delivery.attributes,
            data: delivery.data,
            secret,
          })
        : { detail: "not sent: the endpoint's signing secret is not in the secret store; rotate it" };
      return app.transaction((tx) =>
        recordAttempt(tx, { delivery, attempt, now: round.now() }, round.schedule),
      );
    }),
  );
  return { claimed: claimed.length, outcomes };
}
