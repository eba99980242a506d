/**
 * The refusals of audit: each a `DomainError` with its Connect code and a sentence for a person.
 */
import { Code, DomainError } from "@shop/runtime";

/** ListAuditEntries with a page size below 0. */
export function negativePageSize(): DomainError {
  return new DomainError(Code.InvalidArgument, "The page size cannot be negative.", "negative-page-size");
}

/** ListAuditEntries with a page token audit did not make. */
export function invalidPageToken(): DomainError {
  return new DomainError(
    Code.InvalidArgument,
    "The page token is not valid. Please start again from the first page.",
    "invalid-page-token",
  );
}

/** ListAuditEntries with a filter longer than anything audit stores. */
export function filterTooLong(name: string, max: number): DomainError {
  return new DomainError(
    Code.InvalidArgument,
    `The ${name} filter can have at most ${max} characters.`,
    "filter-too-long",
  );
}
