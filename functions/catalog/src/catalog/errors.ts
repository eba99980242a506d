/**
 * The refusals a user of catalog can meet, each a `DomainError` with its Connect code and a sentence
 * for a person; the runtime maps them to the client once.
 */
import { Code, DomainError } from "@shop/runtime";

/** GetProduct of an id no product has. */
export function productNotFound(id: string): DomainError {
  return new DomainError(Code.NotFound, `There is no product "${id}".`, "product-not-found");
}

/** ListProducts with a page size below 0. */
export function negativePageSize(): DomainError {
  return new DomainError(Code.InvalidArgument, "The page size cannot be negative.", "negative-page-size");
}

/** ListProducts with a search text longer than `max` characters. */
export function searchTooLong(max: number): DomainError {
  return new DomainError(
    Code.InvalidArgument,
    `The search text can have at most ${max} characters.`,
    "search-too-long",
  );
}

/** ListProducts with a page token catalog did not make. */
export function invalidPageToken(): DomainError {
  return new DomainError(
    Code.InvalidArgument,
    "The page token is not valid. Please start again from the first page.",
    "invalid-page-token",
  );
}

/** UpsertProduct without a product. */
export function productMissing(): DomainError {
  return new DomainError(Code.InvalidArgument, "Please send the product to store.", "product-missing");
}

/** UpsertProduct of a product that cannot be stored as it is; `message` says what to change. */
export function invalidProduct(message: string): DomainError {
  return new DomainError(Code.InvalidArgument, message, "invalid-product");
}

/** UploadProductImage of an image catalog does not take; `message` says why. */
export function invalidImage(message: string): DomainError {
  return new DomainError(Code.InvalidArgument, message, "invalid-image");
}

/** ListProducts with include_inactive by someone who is not an administrator. */
export function inactiveForAdminsOnly(): DomainError {
  return new DomainError(
    Code.PermissionDenied,
    "Only an administrator may list inactive products.",
    "inactive-for-admins-only",
  );
}
