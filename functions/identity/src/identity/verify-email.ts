/**
 * VerifyEmail: the owner of an address followed the link of their welcome email.
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { Tx } from "@shop/runtime";
import { EmailVerifiedSchema } from "@shop/schemas/identity/v1/events";
import { eq } from "drizzle-orm";
import { users } from "../db/schema.ts";
import { verificationLinkExpired, verificationLinkInvalid, verificationLinkUsed } from "./errors.ts";
import { claimLink } from "./link-tokens.ts";
import { publicUser, type User } from "./users.ts";

/**
 * Uses a verification token: marks its account verified, emits EmailVerified (key user id) and
 * returns the account. Unknown (forged, another purpose's), expired or used tokens → InvalidArgument.
 */
export async function verifyEmail(
  tx: Tx,
  input: { token: string },
  deps: { now: () => Date },
): Promise<User> {
  const now = deps.now();
  const claim = await claimLink(tx, "verify-email", input.token, now);
  if (!claim.ok) {
    if (claim.reason === "expired") throw verificationLinkExpired();
    if (claim.reason === "used") throw verificationLinkUsed();
    throw verificationLinkInvalid();
  }
  const [row] = await tx.db
    .update(users)
    .set({ emailVerifiedAt: now })
    .where(eq(users.id, claim.userId))
    .returning();
  // The token's row cascades away with its account, so a claimed token always has one.
  if (!row) throw verificationLinkInvalid();
  await tx.emit(
    EmailVerifiedSchema,
    create(EmailVerifiedSchema, { userId: row.id, email: row.email, verifiedAt: timestampFromDate(now) }),
    { key: row.id },
  );
  return publicUser(row);
}
