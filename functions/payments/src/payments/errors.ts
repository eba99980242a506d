/**
 * The refusals of payments, as the runtime's one DomainError.
 */
import { Code, DomainError, RedeliverAfterCommit } from "@shop/runtime";

/**
 * The provider did not answer the charge of `orderId` (a timeout, a connection reset, an outage):
 * the charge may have been made. The payment is recorded as `unknown`, and the delivery is answered
 * 5xx (transient) with that record kept, so the broker redelivers it and the redelivery asks the
 * provider what became of the charge.
 */
export function chargeOutcomeUnknown(orderId: string): RedeliverAfterCommit {
  return new RedeliverAfterCommit(
    new DomainError(
      Code.Unavailable,
      `the payment provider is unavailable: the outcome of the charge of order ${orderId} is unknown until it answers; retry later`,
      "charge-outcome-unknown",
    ),
  );
}

/**
 * The provider did not confirm the refund of `orderId`: the payment stays `refunding` (kept, with
 * the cancellation), the delivery is retried and the reconciler tries again; the same idempotency
 * key refunds once.
 */
export function refundUnconfirmed(orderId: string): RedeliverAfterCommit {
  return new RedeliverAfterCommit(
    new DomainError(
      Code.Unavailable,
      `the payment provider is unavailable: the refund of order ${orderId} is not confirmed yet; retry later`,
      "refund-unconfirmed",
    ),
  );
}
