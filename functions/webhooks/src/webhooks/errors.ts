/**
 * The refusals of webhooks: what a caller did wrong, said as a sentence a person understands, as the
 * runtime's one DomainError (which the runtime maps to its Connect code).
 */
import { Code, DomainError } from "@shop/runtime";

/** The request cannot be served as asked (InvalidArgument); `message` says why. */
export function invalidRequest(message: string): DomainError {
  return new DomainError(Code.InvalidArgument, message, "invalid-request");
}

/** No endpoint has this id (NotFound). */
export function endpointNotFound(id: string): DomainError {
  return new DomainError(Code.NotFound, `There is no webhook endpoint ${id}.`, "endpoint-not-found");
}

/** No delivery has this id (NotFound). */
export function deliveryNotFound(id: string): DomainError {
  return new DomainError(Code.NotFound, `There is no webhook delivery ${id}.`, "delivery-not-found");
}

/** The secret store cannot keep signing secrets (FailedPrecondition). */
export function secretsReadOnly(): DomainError {
  return new DomainError(
    Code.FailedPrecondition,
    "The secret store of webhooks cannot write, so no signing secret can be kept; configure Vault.",
    "secrets-read-only",
  );
}
