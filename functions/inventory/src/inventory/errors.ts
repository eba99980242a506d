/**
 * The inventory's domain errors: what a verb refuses, in a sentence a person understands.
 */

/** The request cannot be done as asked (a negative count, no product id). */
export class InvalidStockError extends Error {
  override name = "InvalidStockError";
}
