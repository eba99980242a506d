/**
 * Issuing a token pair: a short-lived access token (JWT) and an opaque refresh token that the
 * database knows only by its sha256.
 */

import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { TokenSigner, Tx } from "@shop/runtime";
import { refreshTokens } from "../db/schema.ts";

/**
 * Access tokens live 15 minutes. They carry their session (`sid`, the refresh-token family): identity
 * refuses one whose session was revoked at once (Me); every other function verifies offline, so for
 * them this lifetime is the bound on a revoked session.
 */
export const ACCESS_TOKEN_SECONDS = 15 * 60;
/** Refresh tokens live 30 days from their issue; each Refresh issues a new one. */
export const REFRESH_TOKEN_SECONDS = 30 * 24 * 60 * 60;

/** A token pair as handed to the client. */
export interface TokenPair {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
}

/** Whom a pair is for. */
export interface TokenSubject {
  userId: string;
  role: "customer" | "admin";
}

/** The stored form of a refresh token. */
export function hashRefreshToken(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

/**
 * Signs an access token and stores a new refresh token in `familyId` (a new family, i.e. a new
 * session, when undefined).
 */
export async function issueTokens(
  tx: Tx,
  signer: TokenSigner,
  subject: TokenSubject,
  now: Date,
  familyId: string = randomUUID(),
): Promise<TokenPair> {
  const refreshToken = randomBytes(32).toString("base64url");
  const refreshTokenExpiresAt = new Date(now.getTime() + REFRESH_TOKEN_SECONDS * 1000);
  await tx.db.insert(refreshTokens).values({
    tokenHash: hashRefreshToken(refreshToken),
    userId: subject.userId,
    familyId,
    createdAt: now,
    expiresAt: refreshTokenExpiresAt,
  });
  const access = await signer.sign(
    { userId: subject.userId, role: subject.role, sessionId: familyId },
    ACCESS_TOKEN_SECONDS,
  );
  return {
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt,
    refreshToken,
    refreshTokenExpiresAt,
  };
}
