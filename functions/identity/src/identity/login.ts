/**
 * Login: checks an email and password and opens a session (a new refresh-token family). Repeated
 * failures lock the account for a time that doubles with each further failure; repeated failures
 * from one client address, whichever accounts they tried, refuse that address for a while.
 */
import type { TokenSigner, Tx } from "@shop/runtime";
import { eq } from "drizzle-orm";
import { users } from "../db/schema.ts";
import type { AddressLimiter } from "./address-limiter.ts";
import {
  accountLocked,
  badCredentials,
  credentialsMissing,
  type Outcome,
  tooManyFromAddress,
} from "./errors.ts";
import type { PasswordHasher } from "./passwords.ts";
import { issueTokens, type TokenPair } from "./tokens.ts";
import { normaliseEmail, publicUser, type User } from "./users.ts";

/** Failures in a row that are free; the next ones lock the account. */
export const FREE_FAILURES = 4;
/** The longest lock. */
export const MAX_LOCK_SECONDS = 15 * 60;

/** How long the account stays locked after `failures` consecutive failures: 0, then 1 s, 2 s, 4 s … 15 min. */
export function lockSeconds(failures: number): number {
  if (failures <= FREE_FAILURES) return 0;
  return Math.min(2 ** (failures - FREE_FAILURES - 1), MAX_LOCK_SECONDS);
}

/** What a person typed to log in, and the client address the server saw (`clientAddressOf`). */
export interface LoginInput {
  email: string;
  password: string;
  address: string;
}

/** What a login needs besides the transaction. */
export interface LoginDeps {
  signer: TokenSigner;
  passwords: PasswordHasher;
  /** Failed logins per client address. */
  addressLimiter: AddressLimiter;
  now: () => Date;
}

/**
 * Logs in. An address over its budget of failures is refused before any work (no lookup, no hash).
 * A refusal that counts (wrong password, locked account) is returned, not thrown, so its count
 * commits; the caller throws it after the transaction, and the address pays one failure for it.
 */
export async function login(
  tx: Tx,
  input: LoginInput,
  deps: LoginDeps,
): Promise<Outcome<{ user: User; tokens: TokenPair }>> {
  const wait = deps.addressLimiter.retryAfter(input.address, deps.now());
  if (wait > 0) throw tooManyFromAddress(wait);
  const outcome = await checkCredentials(tx, input, deps);
  if (!outcome.ok) tx.afterCommit(() => deps.addressLimiter.failed(input.address, deps.now()));
  return outcome;
}

async function checkCredentials(
  tx: Tx,
  input: LoginInput,
  deps: LoginDeps,
): Promise<Outcome<{ user: User; tokens: TokenPair }>> {
  const now = deps.now();
  if (!input.email.trim() || !input.password) throw credentialsMissing();
  // The row lock serialises logins of one account, so parallel guesses cannot outrun the counter.
  const [user] = await tx.db
    .select()
    .from(users)
    .where(eq(users.email, normaliseEmail(input.email)))
    .for("update");
  if (!user) {
    // As slow as a real check, so the timing does not tell that the account does not exist.
    await deps.passwords.verifyDecoy(input.password);
    return { ok: false, error: badCredentials() };
  }
  if (user.lockedUntil && user.lockedUntil > now) {
    const seconds = Math.ceil((user.lockedUntil.getTime() - now.getTime()) / 1000);
    return { ok: false, error: accountLocked(seconds) };
  }
  if (!(await deps.passwords.verify(input.password, user.passwordHash))) {
    const failures = user.failedLogins + 1;
    const seconds = lockSeconds(failures);
    await tx.db
      .update(users)
      .set({
        failedLogins: failures,
        lockedUntil: seconds > 0 ? new Date(now.getTime() + seconds * 1000) : null,
      })
      .where(eq(users.id, user.id));
    return { ok: false, error: badCredentials() };
  }
  if (user.failedLogins > 0 || user.lockedUntil) {
    await tx.db.update(users).set({ failedLogins: 0, lockedUntil: null }).where(eq(users.id, user.id));
  }
  const tokens = await issueTokens(tx, deps.signer, { userId: user.id, role: user.role }, now);
  return { ok: true, value: { user: publicUser(user), tokens } };
}
