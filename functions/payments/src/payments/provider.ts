/**
 * The payment provider seam: what payments needs from a card processor. A real adapter (Stripe,
 * Adyen, ...) implements the same interface; the test provider (test-provider.ts) stands in for one.
 */

/** An amount in minor units of a currency, as everywhere in Shop. */
export interface Amount {
  amountMinor: bigint;
  currency: string;
}

/** What a charge came to: money taken, or a refusal the customer can be told. */
export type ChargeResult = { status: "approved"; paymentId: string } | { status: "declined"; reason: string };

/** What the provider knows of the charge sent with one idempotency key: its result, or nothing. */
export type ChargeStatus = ChargeResult | { status: "not-found" };

/** A card processor. */
export interface PaymentProvider {
  /**
   * Charges `amount` to the payment method `token`. The same `idempotencyKey` never charges twice:
   * a repeat answers what the first charge did (Stripe's `Idempotency-Key`). Throws
   * TransientProviderError when the answer could not be had (a timeout, a connection reset, an
   * outage): the charge may or may not have been made, so the outcome is unknown; any other error is
   * a bug.
   */
  charge(request: { idempotencyKey: string; amount: Amount; token: string }): Promise<ChargeResult>;
  /**
   * What became of the charge sent with `idempotencyKey`: approved or declined as its answer was,
   * or `not-found` when the provider never took such a charge (so sending it again is safe and
   * nothing was charged). Throws TransientProviderError when the provider cannot say now.
   */
  getCharge(idempotencyKey: string): Promise<ChargeStatus>;
  /** Refunds `amount` of the charge `paymentId`; the same `idempotencyKey` refunds once. */
  refund(request: { paymentId: string; amount: Amount; idempotencyKey: string }): Promise<void>;
}

/** The provider could not answer now; the same request may succeed later (what it did is unknown). */
export class TransientProviderError extends Error {
  override name = "TransientProviderError";
}
