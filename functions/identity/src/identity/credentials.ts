/**
 * Changing what an account logs in with or may do. Every such change ends the account's sessions: a
 * refresh token (and, at identity, an access token) from before the change is refused afterwards, so
 * whoever held a copy of the old credentials' sessions loses them. Any verb that changes a password or
 * a role (admin rotation today, a password reset later) goes through here.
 */
import type { Db, Tx } from "@shop/runtime";
import { and, eq, isNull } from "drizzle-orm";
import { refreshTokens, users } from "../db/schema.ts";

/** Gives `userId` a new password hash and revokes every session of the account. */
export async function setPasswordHash(
  tx: Tx,
  userId: string,
  passwordHash: string,
  now: Date,
): Promise<void> {
  await tx.db
    .update(users)
    .set({ passwordHash, failedLogins: 0, lockedUntil: null })
    .where(eq(users.id, userId));
  await revokeSessions(tx, userId, now);
}

/** Gives `userId` a new role and revokes every session of the account. */
export async function setRole(tx: Tx, userId: string, role: "customer" | "admin", now: Date): Promise<void> {
  await tx.db.update(users).set({ role }).where(eq(users.id, userId));
  await revokeSessions(tx, userId, now);
}

/** Revokes every refresh token of the account that is not revoked yet (all its sessions). */
export async function revokeSessions(tx: Tx, userId: string, now: Date): Promise<void> {
  await tx.db
    .update(refreshTokens)
    .set({ revokedAt: now })
    .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)));
}

/** Whether session `familyId` of `userId` is still open: one of its refresh tokens is not revoked. */
export async function sessionOpen(db: Db, userId: string, familyId: string): Promise<boolean> {
  const [row] = await db
    .select({ familyId: refreshTokens.familyId })
    .from(refreshTokens)
    .where(
      and(
        eq(refreshTokens.familyId, familyId),
        eq(refreshTokens.userId, userId),
        isNull(refreshTokens.revokedAt),
      ),
    )
    .limit(1);
  return row !== undefined;
}
