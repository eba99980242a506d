/**
 * The errors a user of catalog can meet, each with a sentence for a person. The RPC layer maps
 * `reason` to a Connect code.
 */

/** Why a catalog request was refused. */
export type CatalogErrorReason = "invalid-input" | "not-found";

/** A refusal of catalog, with a message to show as it is. */
export class CatalogError extends Error {
  constructor(
    readonly reason: CatalogErrorReason,
    message: string,
  ) {
    super(message);
    this.name = "CatalogError";
  }
}

/** The refusal of a request that does not make sense. */
export function invalid(message: string): CatalogError {
  return new CatalogError("invalid-input", message);
}
