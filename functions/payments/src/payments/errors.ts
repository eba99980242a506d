/**
 * The refusals of payments, as the runtime's one DomainError.
 */
import { Code, DomainError } from "@shop/runtime";

/**
 * The provider could not answer this charge attempt (`attempt`, counted from 1): a transient error,
 * so the delivery fails and the broker redelivers it.
 */
export function providerUnavailable(orderId: string, attempt: number): DomainError {
  return new DomainError(
    Code.Unavailable,
    `the payment provider is unavailable (attempt ${attempt} for order ${orderId}); retry later`,
    "provider-unavailable",
  );
}
