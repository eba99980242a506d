/**
 * The domain errors of promotions: what a caller did wrong, said as a sentence a person understands.
 * The RPC layer maps each to its Connect code.
 */

/** The request cannot be served as asked (InvalidArgument). */
export class InvalidRequestError extends Error {
  override name = "InvalidRequestError";
}

/** Another promotion already has this code (AlreadyExists). */
export class DuplicateCodeError extends Error {
  override name = "DuplicateCodeError";
  constructor(readonly code: string) {
    super(`A promotion with the code ${code} already exists.`);
  }
}
