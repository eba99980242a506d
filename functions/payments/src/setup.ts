/**
 * The payments' dependencies, built once at start from its config and secrets.
 */
import type { App, SetupContext } from "@shop/runtime";
import { type PaymentsConfig, PROVIDER_SECRET_PATH, type ProviderName } from "./config.ts";
import {
  countFailedAttempt,
  createTestProvider,
  type FailedAttempts,
  type PaymentProvider,
} from "./payments/index.ts";

/** What the payments' handlers and verbs are given. */
export interface PaymentsDeps {
  /** The card processor that charges and refunds (tests pass one that records what it did). */
  provider: PaymentProvider;
  /** Counts charge attempts that failed transiently, so payments knows when to give up. */
  attempts: FailedAttempts;
}

/** Builds the configured provider, with its API key read from the secret store (Vault in a cluster). */
export async function setup({ config, app }: SetupContext<PaymentsConfig>): Promise<PaymentsDeps> {
  const secret = await app.secrets.read(PROVIDER_SECRET_PATH);
  return { provider: providerFor(config.provider, secret?.apiKey), attempts: failedAttempts(app) };
}

function providerFor(name: ProviderName, apiKey: string | undefined): PaymentProvider {
  switch (name) {
    case "test":
      // The test provider talks to nobody, so it needs no key; a real adapter gets `apiKey`.
      void apiKey;
      return createTestProvider();
  }
}

function failedAttempts(app: App): FailedAttempts {
  return {
    record(order) {
      // The count must outlive the rollback of the failed delivery, so it goes in a transaction of
      // its own, started now but not awaited: with PGlite (one connection) a second transaction
      // waits for the delivery's to end, so awaiting it there would deadlock; it commits right after
      // the rollback, before the redelivery. On Postgres it commits on another connection at once.
      // If the process dies first, the count is one short: one more attempt, never a second charge
      // (the idempotency key is the order id).
      void app
        .transaction((tx) => countFailedAttempt(tx, order))
        .catch((error: unknown) =>
          app.logger.error({ err: error, orderId: order.orderId }, "could not count a failed charge"),
        );
    },
  };
}
