/**
 * The administrator account from the secret store: created at start if missing, promoted if it is a
 * customer, and given the secret's password if the secret was rotated.
 */

import { randomUUID } from "node:crypto";
import type { Tx } from "@shop/runtime";
import { eq } from "drizzle-orm";
import { users } from "../db/schema.ts";
import type { PasswordHasher } from "./passwords.ts";
import { isValidEmail, normaliseEmail } from "./users.ts";

/** What ensureAdmin had to do. */
export type AdminChange = "created" | "promoted" | "password-updated" | "unchanged";

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
  const [existing] = await tx.db.select().from(users).where(eq(users.email, email)).for("update");
  if (!existing) {
    await tx.db
      .insert(users)
      .values({
        id: randomUUID(),
        email,
        passwordHash: await deps.passwords.hash(credentials.password),
        role: "admin",
        createdAt: deps.now(),
      })
      // Another replica starting at the same moment may have created it: theirs is as good.
      .onConflictDoNothing({ target: users.email });
    return "created";
  }
  let change: AdminChange = "unchanged";
  if (!(await deps.passwords.verify(credentials.password, existing.passwordHash))) {
    await tx.db
      .update(users)
      .set({ passwordHash: await deps.passwords.hash(credentials.password) })
      .where(eq(users.id, existing.id));
    change = "password-updated";
  }
  if (existing.role !== "admin") {
    await tx.db.update(users).set({ role: "admin" }).where(eq(users.id, existing.id));
    change = "promoted";
  }
  return change;
}
