/**
 * The payments' own configuration, read once from the environment.
 */

/** The payment provider adapters there are. */
export const PROVIDERS = ["test"] as const;

/** Which adapter charges. */
export type ProviderName = (typeof PROVIDERS)[number];

/** The payments' config. */
export interface PaymentsConfig {
  /** `PAYMENT_PROVIDER`, default `test` (the only adapter so far). */
  provider: ProviderName;
}

/** The secret holding the provider's API key (`apiKey`). */
export const PROVIDER_SECRET_PATH = "shop/payments/provider";

/** Reads the config; an unknown provider stops the start rather than charging with the wrong one. */
export function readPaymentsConfig(env: NodeJS.ProcessEnv): PaymentsConfig {
  const provider = env.PAYMENT_PROVIDER ?? "test";
  if (!(PROVIDERS as readonly string[]).includes(provider)) {
    throw new Error(`PAYMENT_PROVIDER must be one of ${PROVIDERS.join(", ")}, not "${provider}"`);
  }
  return { provider: provider as ProviderName };
}
