/**
 * The inventory's refusals: each a `DomainError` with its Connect code and a sentence a person
 * understands; the runtime maps them to the client once.
 */
import { Code, DomainError } from "@shop/runtime";

/** A request that does not say which product (product_id empty). */
export function productIdMissing(): DomainError {
  return new DomainError(
    Code.InvalidArgument,
    "Please say which product (product_id is empty).",
    "product-id-missing",
  );
}

/** SetStock with a count that is not a whole number from 0 up to an int32. */
export function invalidAvailable(available: number): DomainError {
  return new DomainError(
    Code.InvalidArgument,
    `Available units must be a whole number from 0 up; got ${available}.`,
    "invalid-available",
  );
}
