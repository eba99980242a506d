/**
 * Refresh: exchanges a refresh token for a new pair in the same family. A token is single-use:
 * presenting one that was already used means it was copied, so the whole family (the session) is revoked.
 */
import type { TokenSigner, Tx } from "@shop/runtime";
import { and, eq, isNull } from "drizzle-orm";
import { refreshTokens, users } from "../db/schema.ts";
import { badRefreshToken, type Outcome } from "./errors.ts";
import { hashRefreshToken, issueTokens, type TokenPair } from "./tokens.ts";

/** Rotates a refresh token. A reused token's family is revoked and returned as a refusal, so the revocation commits. */
export async function refresh(
  tx: Tx,
  { refreshToken }: { refreshToken: string },
  deps: { signer: TokenSigner; now: () => Date },
): Promise<Outcome<TokenPair>> {
  const now = deps.now();
  if (!refreshToken) return { ok: false, error: badRefreshToken() };
  // The row lock makes two presentations of one token take turns: the second sees it used.
  const [token] = await tx.db
    .select()
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, hashRefreshToken(refreshToken)))
    .for("update");
  if (!token || token.revokedAt || token.expiresAt <= now) return { ok: false, error: badRefreshToken() };
  if (token.usedAt) {
    await revokeFamily(tx, token.familyId, now);
    return { ok: false, error: badRefreshToken() };
  }
  await tx.db.update(refreshTokens).set({ usedAt: now }).where(eq(refreshTokens.tokenHash, token.tokenHash));
  // The role is read now, so a promotion or demotion shows in the next access token.
  const [user] = await tx.db.select({ role: users.role }).from(users).where(eq(users.id, token.userId));
  if (!user) return { ok: false, error: badRefreshToken() };
  const subject = { userId: token.userId, role: user.role };
  return { ok: true, value: await issueTokens(tx, deps.signer, subject, now, token.familyId) };
}

/** Revokes every refresh token of a family that is not revoked yet. */
export async function revokeFamily(tx: Tx, familyId: string, now: Date): Promise<void> {
  await tx.db
    .update(refreshTokens)
    .set({ revokedAt: now })
    .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
}
