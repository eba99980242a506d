/**
 * The one domain error. A verb refuses with a `DomainError` (through the named constructors in its
 * function's `errors.ts`); the runtime turns it into a `ConnectError` once, in the error interceptor,
 * and into an HTTP answer once, in event dispatch.
 */
import { Code, ConnectError } from "@connectrpc/connect";

export { Code } from "@connectrpc/connect";

/** A refusal a user can meet: a Connect code and a sentence a person understands. */
export class DomainError extends Error {
  override name = "DomainError";
  constructor(
    /** The Connect code a client sees. */
    readonly code: Code,
    message: string,
    /** A short machine-readable reason (`coupon-expired`), for tests and logs. */
    readonly reason?: string,
  ) {
    super(message);
  }
}

/** The ConnectError a client sees for `error`; anything that is not a domain error passes unchanged. */
export function toConnectError(error: unknown): unknown {
  if (error instanceof DomainError) return new ConnectError(error.message, error.code);
  return error;
}

// Codes that say "try again later": a delivery refused with one of these is retried (5xx), any other
// domain refusal of an event will never succeed, so it is answered 4xx and dead-lettered.
const TRANSIENT = new Set([
  Code.Unavailable,
  Code.ResourceExhausted,
  Code.Aborted,
  Code.DeadlineExceeded,
  Code.Internal,
  Code.Unknown,
]);

/** Whether a domain refusal of a delivered event may succeed on redelivery. */
export function isTransient(error: DomainError): boolean {
  return TRANSIENT.has(error.code);
}
