/**
 * The administrator account from the secret store: created at start if missing, given the secret's
 * password when the secret was rotated. Both end the account's sessions (`credentials.ts`), so a
 * session opened with the old password (or stolen under it) does not survive a rotation.
 *
 * An existing account that is not an admin is promoted only when it is verifiably the operator's: its
 * password is the admin secret's password. Anyone can register any unused email, so without that
 * check, whoever registered the address later configured as the admin's would become admin with their
 * sessions intact. Such an account is left as it is and reported ("not-promoted").
 */

import { randomUUID } from "node:crypto";
import type { Tx } from "@shop/runtime";
import { eq } from "drizzle-orm";
import { users } from "../db/schema.ts";
import { setPasswordHash, setRole } from "./credentials.ts";
import type { PasswordHasher } from "./passwords.ts";
import { isValidEmail, normaliseEmail } from "./users.ts";

/** What ensureAdmin had to do. */
export type AdminChange = "created" | "promoted" | "password-updated" | "not-promoted" | "unchanged";

/** Makes sure `email` is an admin account whose password is `password`. */
export async function ensureAdmin(
  tx: Tx,
  credentials: { email: string; password: string },
  deps: { passwords: PasswordHasher; now: () => Date },
): Promise<AdminChange> {
  const email = normaliseEmail(credentials.email);
  if (!isValidEmail(email) || !credentials.password) {
    throw new Error("the admin secret needs a valid email and a password");
  }
  const now = deps.now();
  const [existing] = await tx.db.select().from(users).where(eq(users.email, email)).for("update");
  if (!existing) {
    await tx.db
      .insert(users)
      .values({
        id: randomUUID(),
        email,
        passwordHash: await deps.passwords.hash(credentials.password),
        role: "admin",
        createdAt: now,
      })
      // Another replica starting at the same moment may have created it: theirs is as good.
      .onConflictDoNothing({ target: users.email });
    return "created";
  }
  const knowsSecret = await deps.passwords.verify(credentials.password, existing.passwordHash);
  if (existing.role !== "admin") {
    if (!knowsSecret) return "not-promoted";
    await setRole(tx, existing.id, "admin", now);
    return "promoted";
  }
  if (knowsSecret) return "unchanged";
  await setPasswordHash(tx, existing.id, await deps.passwords.hash(credentials.password), now);
  return "password-updated";
}
