/**
 * The refusals a user of identity can meet, as named constructors over the runtime's one
 * DomainError: each has its Connect code and a sentence for a person, in one place.
 */
import { Code, DomainError } from "@shop/runtime";

/** Registration with an email that does not look like one. */
export function invalidEmail(): DomainError {
  return new DomainError(Code.InvalidArgument, "Please enter a valid email address.", "invalid-email");
}

/** Registration with a password shorter than `min` characters. */
export function passwordTooShort(min: number): DomainError {
  return new DomainError(
    Code.InvalidArgument,
    `The password must have at least ${min} characters.`,
    "password-too-short",
  );
}

/** Registration with a password longer than `max` characters. */
export function passwordTooLong(max: number): DomainError {
  return new DomainError(
    Code.InvalidArgument,
    `The password must have at most ${max} characters.`,
    "password-too-long",
  );
}

/** A login without an email or a password. */
export function credentialsMissing(): DomainError {
  return new DomainError(
    Code.InvalidArgument,
    "Please enter your email and password.",
    "credentials-missing",
  );
}

/** Registration with an email that already has an account. */
export function emailTaken(): DomainError {
  return new DomainError(
    Code.AlreadyExists,
    "An account with this email already exists. Please log in.",
    "email-taken",
  );
}

/** One sentence for a wrong email and a wrong password alike, so a login does not tell which emails exist. */
export const BAD_CREDENTIALS = "The email or password is not correct.";

/** The refusal of a login for an unknown account or a wrong password. */
export function badCredentials(): DomainError {
  return new DomainError(Code.Unauthenticated, BAD_CREDENTIALS, "bad-credentials");
}

/** The refusal of a refresh token that is unknown, used, revoked or expired. */
export function badRefreshToken(): DomainError {
  return new DomainError(
    Code.Unauthenticated,
    "Your session has ended. Please log in again.",
    "bad-refresh-token",
  );
}

/** The refusal of an access token whose session was revoked (logout, a password or role change). */
export function sessionEnded(): DomainError {
  return new DomainError(
    Code.Unauthenticated,
    "Your session has ended. Please log in again.",
    "session-ended",
  );
}

/** The refusal of a login while the account is locked after repeated failures. */
export function accountLocked(retryAfterSeconds: number): DomainError {
  return new DomainError(
    Code.ResourceExhausted,
    `Too many failed attempts; try again in ${seconds(retryAfterSeconds)}.`,
    "account-locked",
  );
}

/** The refusal of a login from an address that failed too often lately (any accounts). */
export function tooManyFromAddress(retryAfterSeconds: number): DomainError {
  return new DomainError(
    Code.ResourceExhausted,
    `Too many failed logins from your network; try again in ${seconds(retryAfterSeconds)}.`,
    "address-limited",
  );
}

/** Me for an account that no longer exists. */
export function unknownUser(): DomainError {
  return new DomainError(Code.NotFound, "Your account no longer exists.", "unknown-user");
}

/** VerifyEmail with a token that was never issued for verification (forged, mistyped, another link's). */
export function verificationLinkInvalid(): DomainError {
  return new DomainError(
    Code.InvalidArgument,
    "This verification link is not valid. Please open the link from the email exactly as it was sent.",
    "verification-link-invalid",
  );
}

/** VerifyEmail with a token past its 48 hours. */
export function verificationLinkExpired(): DomainError {
  return new DomainError(
    Code.InvalidArgument,
    "This verification link has expired. Your account works as before; the address stays unverified.",
    "verification-link-expired",
  );
}

/** VerifyEmail with a token that was already used. */
export function verificationLinkUsed(): DomainError {
  return new DomainError(
    Code.InvalidArgument,
    "This verification link was already used.",
    "verification-link-used",
  );
}

/** ResetPassword with a token that was never issued for a reset (forged, mistyped, another link's). */
export function resetLinkInvalid(): DomainError {
  return new DomainError(
    Code.InvalidArgument,
    "This password reset link is not valid. Please ask for a new one.",
    "reset-link-invalid",
  );
}

/** ResetPassword with a token past its hour. */
export function resetLinkExpired(): DomainError {
  return new DomainError(
    Code.InvalidArgument,
    "This password reset link has expired. Please ask for a new one.",
    "reset-link-expired",
  );
}

/** ResetPassword with a token that was used, or replaced by a newer request. */
export function resetLinkUsed(): DomainError {
  return new DomainError(
    Code.InvalidArgument,
    "This password reset link was already used or replaced by a newer one. Please ask for a new one.",
    "reset-link-used",
  );
}

/** RequestPasswordReset too often for one address or from one network. */
export function tooManyResetRequests(retryAfterSeconds: number): DomainError {
  return new DomainError(
    Code.ResourceExhausted,
    `Too many password reset requests; try again in ${seconds(retryAfterSeconds)}.`,
    "reset-limited",
  );
}

function seconds(count: number): string {
  return `${count} ${count === 1 ? "second" : "seconds"}`;
}

/**
 * What a verb returns when it must refuse but keep what it wrote (a failed-login count, a revoked
 * token family): throwing would roll that back, so the caller throws `error` after commit.
 */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: DomainError };

/** The value of `outcome`, or its refusal thrown: call it after the verb's transaction committed. */
export function unwrap<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}
