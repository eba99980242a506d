/**
 * Which provider a running payments function charges with.
 */
import type { App } from "@shop/runtime";
import { type PaymentsConfig, PROVIDER_SECRET_PATH } from "../config.ts";
import { createTestProvider, type PaymentProvider } from "./provider.ts";

// Keyed by the running function, not a module global: the embedded mode and tests start several
// payments functions in one process, each with its own provider.
const providers = new WeakMap<App, PaymentProvider>();

/** Builds the configured provider, with its API key read from the secret store (Vault in a cluster). */
export async function createProvider(config: PaymentsConfig, app: App): Promise<PaymentProvider> {
  const secret = await app.secrets.read(PROVIDER_SECRET_PATH);
  switch (config.provider) {
    case "test":
      // The test provider talks to nobody, so it needs no key; a real adapter gets `secret.apiKey`.
      void secret;
      return createTestProvider();
  }
}

/** Makes `provider` the one `app` charges with (on start). */
export function useProvider(app: App, provider: PaymentProvider): void {
  providers.set(app, provider);
}

/** The provider `app` charges with. */
export function providerOf(app: App): PaymentProvider {
  const provider = providers.get(app);
  if (!provider) throw new Error(`no payment provider for ${app.name}: onStart did not run`);
  return provider;
}
