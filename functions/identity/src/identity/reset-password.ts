/**
 * ResetPassword: a new password with the token of a reset link. Single use; it ends every session of
 * the account (through setPasswordHash), so whoever had them loses them.
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { Tx } from "@shop/runtime";
import { PasswordChangedSchema } from "@shop/schemas/identity/v1/events";
import { eq } from "drizzle-orm";
import { users } from "../db/schema.ts";
import { setPasswordHash } from "./credentials.ts";
import { resetLinkExpired, resetLinkInvalid, resetLinkUsed } from "./errors.ts";
import { claimLink } from "./link-tokens.ts";

/** A reset token and the new password, already checked (`checkPassword`) and hashed outside the transaction. */
export interface PasswordReset {
  token: string;
  passwordHash: string;
}

/**
 * Uses a reset token: sets the new password hash, revokes every session of the account and emits
 * PasswordChanged (key user id). Unknown, expired, used or superseded tokens → InvalidArgument.
 */
export async function resetPassword(tx: Tx, input: PasswordReset, deps: { now: () => Date }): Promise<void> {
  const now = deps.now();
  const claim = await claimLink(tx, "reset-password", input.token, now);
  if (!claim.ok) {
    if (claim.reason === "expired") throw resetLinkExpired();
    if (claim.reason === "used") throw resetLinkUsed();
    throw resetLinkInvalid();
  }
  await setPasswordHash(tx, claim.userId, input.passwordHash, now);
  const [user] = await tx.db.select({ email: users.email }).from(users).where(eq(users.id, claim.userId));
  await tx.emit(
    PasswordChangedSchema,
    create(PasswordChangedSchema, {
      userId: claim.userId,
      email: user?.email ?? "",
      changedAt: timestampFromDate(now),
    }),
    { key: claim.userId },
  );
}
