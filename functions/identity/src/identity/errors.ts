/**
 * The errors a user of identity can meet, each with a sentence for a person. The RPC layer maps
 * `reason` to a Connect code.
 */

/** Why an identity request was refused. */
export type IdentityErrorReason =
  | "invalid-input"
  | "email-taken"
  | "bad-credentials"
  | "locked"
  | "bad-refresh-token"
  | "unknown-user";

/** A refusal of identity, with a message to show as it is. */
export class IdentityError extends Error {
  constructor(
    readonly reason: IdentityErrorReason,
    message: string,
  ) {
    super(message);
    this.name = "IdentityError";
  }
}

/** One sentence for a wrong email and a wrong password alike, so a login does not tell which emails exist. */
export const BAD_CREDENTIALS = "The email or password is not correct.";

/** The refusal of a login for an unknown account or a wrong password. */
export function badCredentials(): IdentityError {
  return new IdentityError("bad-credentials", BAD_CREDENTIALS);
}

/** The refusal of a refresh token that is unknown, used, revoked or expired. */
export function badRefreshToken(): IdentityError {
  return new IdentityError("bad-refresh-token", "Your session has ended. Please log in again.");
}

/** The refusal of a login while the account is locked after repeated failures. */
export function locked(retryAfterSeconds: number): IdentityError {
  const unit = retryAfterSeconds === 1 ? "second" : "seconds";
  return new IdentityError("locked", `Too many failed attempts; try again in ${retryAfterSeconds} ${unit}.`);
}

/** The refusal of a login from an address that failed too often lately (any accounts). */
export function tooManyFromAddress(retryAfterSeconds: number): IdentityError {
  const unit = retryAfterSeconds === 1 ? "second" : "seconds";
  return new IdentityError(
    "locked",
    `Too many failed logins from your network; try again in ${retryAfterSeconds} ${unit}.`,
  );
}

/**
 * What a verb returns when it must refuse but keep what it wrote (a failed-login count, a revoked
 * token family): throwing would roll that back, so the caller throws `error` after commit.
 */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: IdentityError };
