/**
 * The tokens of emailed links (verify an address, reset a password): 32 random bytes, handed to
 * notifications only sealed (Transit, bound to the user id), and stored here only as their sha256 with
 * a purpose, an expiry and a used mark. Opaque random tokens rather than signed JWTs: a link must be
 * single-use, which needs a stored row anyway, and a row also makes "a newer request supersedes the
 * older link" and a forged token ("no such row") one lookup.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Tx } from "@shop/runtime";
import { and, eq, isNull } from "drizzle-orm";
import { emailTokens } from "../db/schema.ts";

/** What a link token is for; a token of one purpose is unknown to the other. */
export type LinkPurpose = "verify-email" | "reset-password";

/** How long a link works: 48 hours to verify an address, 1 hour to reset a password. */
export const LINK_SECONDS: Record<LinkPurpose, number> = {
  "verify-email": 48 * 60 * 60,
  "reset-password": 60 * 60,
};

/** Seals a link token for notifications, bound to the user id (`sealNotificationToken`). */
export type LinkSealer = (token: string, userId: string) => Promise<string>;

/** A new link token: its stored hash, its sealed form for the event, and when it expires. */
export interface PreparedLink {
  tokenHash: string;
  sealed: string;
  expiresAt: Date;
}

/** The stored form of a link token. */
export function hashLinkToken(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

/**
 * Makes a link token for `userId` and seals it; the plain token leaves this function only sealed.
 * Outside any transaction where it can be: sealing asks Vault.
 */
export async function prepareLink(
  purpose: LinkPurpose,
  userId: string,
  deps: { sealLinkToken: LinkSealer; now: () => Date },
): Promise<PreparedLink> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(deps.now().getTime() + LINK_SECONDS[purpose] * 1000);
  return { tokenHash: hashLinkToken(token), sealed: await deps.sealLinkToken(token, userId), expiresAt };
}

/** Stores a prepared link of `userId`, after marking every older unused link of that purpose used (superseded). */
export async function storeLink(
  tx: Tx,
  purpose: LinkPurpose,
  userId: string,
  link: PreparedLink,
  now: Date,
): Promise<void> {
  await supersedeLinks(tx, purpose, userId, now);
  await tx.db.insert(emailTokens).values({
    tokenHash: link.tokenHash,
    userId,
    purpose,
    createdAt: now,
    expiresAt: link.expiresAt,
  });
}

/** Marks every unused link of `userId` for `purpose` used, so that only a newer one works. */
export async function supersedeLinks(tx: Tx, purpose: LinkPurpose, userId: string, now: Date): Promise<void> {
  await tx.db
    .update(emailTokens)
    .set({ usedAt: now })
    .where(and(eq(emailTokens.userId, userId), eq(emailTokens.purpose, purpose), isNull(emailTokens.usedAt)));
}

/** What claiming a link token found: its user, or why it does not work. */
export type LinkClaim = { ok: true; userId: string } | { ok: false; reason: "unknown" | "expired" | "used" };

/**
 * Uses the link token `token` for `purpose`: marks it used and returns its user, or says why not.
 * A token of another purpose is "unknown", as is anything that was never issued (forged).
 */
export async function claimLink(tx: Tx, purpose: LinkPurpose, token: string, now: Date): Promise<LinkClaim> {
  if (!token) return { ok: false, reason: "unknown" };
  // The row lock makes two presentations of one token take turns: the second sees it used.
  const [row] = await tx.db
    .select()
    .from(emailTokens)
    .where(and(eq(emailTokens.tokenHash, hashLinkToken(token)), eq(emailTokens.purpose, purpose)))
    .for("update");
  if (!row) return { ok: false, reason: "unknown" };
  if (row.usedAt) return { ok: false, reason: "used" };
  if (row.expiresAt <= now) return { ok: false, reason: "expired" };
  await tx.db.update(emailTokens).set({ usedAt: now }).where(eq(emailTokens.tokenHash, row.tokenHash));
  return { ok: true, userId: row.userId };
}
