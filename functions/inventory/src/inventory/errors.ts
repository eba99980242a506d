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

/**
 * SetStock based on a version of the stock that is no longer the current one: someone else (an
 * order, or another administrator) changed it since it was read. Aborted: read again and retry.
 */
export function staleStock(productId: string, expected: bigint, current: bigint): DomainError {
  return new DomainError(
    Code.Aborted,
    `The stock of ${productId} changed since you read it (version ${expected}, now ${current}). Read it again and retry.`,
    "stale-stock",
  );
}

/** ListStock with a page size below 0. */
export function invalidPageSize(): DomainError {
  return new DomainError(Code.InvalidArgument, "The page size cannot be negative.", "negative-page-size");
}

/** ListStock with a page token the inventory did not make. */
export function invalidStockPageToken(): DomainError {
  return new DomainError(
    Code.InvalidArgument,
    "The page token is not valid. Please start again from the first page.",
    "invalid-page-token",
  );
}
