/**
 * The refusals of promotions: what a caller did wrong, said as a sentence a person understands, as
 * the runtime's one DomainError (which the runtime maps to its Connect code).
 */
import { Code, DomainError } from "@shop/runtime";

/** The request cannot be served as asked (InvalidArgument); `message` says why. */
export function invalidRequest(message: string): DomainError {
  return new DomainError(Code.InvalidArgument, message, "invalid-request");
}

/** Another promotion already has this code (AlreadyExists). */
export function duplicateCode(code: string): DomainError {
  return new DomainError(
    Code.AlreadyExists,
    `A promotion with the code ${code} already exists.`,
    "duplicate-code",
  );
}

/** No promotion has this id (NotFound). */
export function promotionNotFound(id: string): DomainError {
  return new DomainError(Code.NotFound, `There is no promotion "${id}".`, "promotion-not-found");
}

/** EndPromotion of a promotion that has already ended (FailedPrecondition). */
export function promotionAlreadyEnded(name: string, endedAt: Date): DomainError {
  return new DomainError(
    Code.FailedPrecondition,
    `The promotion "${name}" already ended on ${endedAt.toISOString()}.`,
    "promotion-already-ended",
  );
}
