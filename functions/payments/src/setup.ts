/**
 * The payments' dependencies, built once at start from its config and secrets.
 */
import { openPaymentToken, type SecretStore, type SetupContext } from "@shop/runtime";
import { type PaymentsConfig, PROVIDER_SECRET_PATH } from "./config.ts";
import { createTestProvider, type PaymentProvider } from "./payments/index.ts";

/** What the payments' handlers and verbs are given. */
export interface PaymentsDeps {
  /** The card processor that charges, answers status queries and refunds (tests pass their own). */
  provider: PaymentProvider;
  /**
   * Opens a payment token orders sealed for the order (Vault Transit: payments' policy alone may
   * decrypt with the key); UnreadableCiphertextError for one that was not sealed for it.
   */
  openPaymentToken: (sealed: string, orderId: string) => Promise<string>;
}

/** The opener of sealed payment tokens over a secret store (the function's own; tests: a local one). */
export function tokenOpener(secrets: SecretStore): PaymentsDeps["openPaymentToken"] {
  return (sealed, orderId) => openPaymentToken(secrets, sealed, orderId);
}

/** Builds the configured provider, with its API key read from the secret store (Vault in a cluster). */
export async function setup({ config, app }: SetupContext<PaymentsConfig>): Promise<PaymentsDeps> {
  const secret = await app.secrets.read(PROVIDER_SECRET_PATH);
  return { provider: providerFor(config, secret?.apiKey), openPaymentToken: tokenOpener(app.secrets) };
}

function providerFor(config: PaymentsConfig, apiKey: string | undefined): PaymentProvider {
  switch (config.provider) {
    case "test":
      // The test provider talks to nobody, so it needs no key; a real adapter gets `apiKey`.
      void apiKey;
      return createTestProvider({ timeoutAfterChargeRate: config.testTimeoutAfterChargeRate ?? 0 });
  }
}
