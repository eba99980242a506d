/**
 * The errors a verb of orders throws; the RPC layer maps each to one Connect code.
 */

/** The request cannot be served as it is; the message is a sentence naming the problem (InvalidArgument). */
export class InvalidOrderRequestError extends Error {
  override name = "InvalidOrderRequestError";
}

/**
 * The order does not exist or is not the caller's (NotFound). Both read the same, so that order ids
 * of other customers cannot be probed.
 */
export class OrderNotFoundError extends Error {
  override name = "OrderNotFoundError";
  constructor(readonly orderId: string) {
    super(`We could not find order ${orderId}.`);
  }
}
