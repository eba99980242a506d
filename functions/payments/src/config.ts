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
  /**
   * `PAYMENTS_TEST_PROVIDER_TIMEOUT_AFTER_CHARGE_RATE`: the share (0 to 1) of the test provider's new
   * charges whose answer is lost after charging, as a timeout (the fault suite's "provider timing
   * out after charging"). Absent when unset: the test provider answers every call.
   */
  testTimeoutAfterChargeRate?: number;
}

/** The secret holding the provider's API key (`apiKey`). */
export const PROVIDER_SECRET_PATH = "shop/payments/provider";

/** Reads the config; an unknown provider or a rate out of range stops the start. */
export function readPaymentsConfig(env: NodeJS.ProcessEnv): PaymentsConfig {
  const provider = env.PAYMENT_PROVIDER ?? "test";
  if (!(PROVIDERS as readonly string[]).includes(provider)) {
    throw new Error(`PAYMENT_PROVIDER must be one of ${PROVIDERS.join(", ")}, not "${provider}"`);
  }
  const config: PaymentsConfig = { provider: provider as ProviderName };
  const rate = env.PAYMENTS_TEST_PROVIDER_TIMEOUT_AFTER_CHARGE_RATE;
  if (rate !== undefined && rate !== "") {
    const value = Number(rate);
    if (!(value >= 0 && value <= 1)) {
      throw new Error(
        `PAYMENTS_TEST_PROVIDER_TIMEOUT_AFTER_CHARGE_RATE must be between 0 and 1, not "${rate}"`,
      );
    }
    config.testTimeoutAfterChargeRate = value;
  }
  return config;
}
