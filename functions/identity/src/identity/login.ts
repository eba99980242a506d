/**
 * Login: checks an email and password and opens a session (a new refresh-token family). Repeated
 * failures lock the account for a time that doubles with each further failure.
 */
import type { TokenSigner, Tx } from "@shop/runtime";
import { eq } from "drizzle-orm";
import { users } from "../db/schema.ts";
import { badCredentials, IdentityError, locked, type Outcome } from "./errors.ts";
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

/**
 * Logs in. A refusal that counts (wrong password) is returned, not thrown, so its count commits;
 * the caller throws it after the transaction.
 */
export async function login(
  tx: Tx,
  input: { email: string; password: string },
  deps: { signer: TokenSigner; passwords: PasswordHasher; now: Date },
): Promise<Outcome<{ user: User; tokens: TokenPair }>> {
  const { now } = deps;
  if (!input.email.trim() || !input.password) {
    throw new IdentityError("invalid-input", "Please enter your email and password.");
  }
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
    return { ok: false, error: locked(Math.ceil((user.lockedUntil.getTime() - now.getTime()) / 1000)) };
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
