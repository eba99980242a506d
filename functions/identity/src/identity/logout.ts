/**
 * Logout: ends the session of a refresh token. Idempotent: an unknown or already revoked token is fine.
 */
import type { Tx } from "@shop/runtime";
import { eq } from "drizzle-orm";
import { refreshTokens } from "../db/schema.ts";
import { revokeFamily } from "./refresh.ts";
import { hashRefreshToken } from "./tokens.ts";

/**
 * Revokes the token's whole family, not just the token: the family is the session, and a logout
 * with an older token of it must not leave the newest one working.
 */
export async function logout(
  tx: Tx,
  { refreshToken }: { refreshToken: string },
  deps: { now: () => Date },
): Promise<void> {
  if (!refreshToken) return;
  const [row] = await tx.db
    .select({ familyId: refreshTokens.familyId })
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, hashRefreshToken(refreshToken)));
  if (row) await revokeFamily(tx, row.familyId, deps.now());
}
