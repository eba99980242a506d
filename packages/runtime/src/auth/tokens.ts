/**
 * Access tokens: short-lived JWTs signed with EdDSA, carrying the user id (`sub`) and role.
 */
import { Code, ConnectError } from "@connectrpc/connect";
import { createLocalJWKSet, importJWK, type JSONWebKeySet, jwtVerify, SignJWT } from "jose";
import type { SecretStore } from "../config.ts";
import { JWKS_PATH, SIGNING_KEY_PATH } from "./keys.ts";

/** Who is calling. */
export interface Principal {
  userId: string;
  role: "customer" | "admin";
  /**
   * The session the token was issued for (claim `sid`: identity's refresh-token family), when it has
   * one. identity refuses a token of a revoked session at once; every other function verifies offline,
   * so there the token's short lifetime bounds a revoked session.
   */
  sessionId?: string;
}

/** The `iss` of every access token (what the gateway's SecurityPolicy checks too). */
export const ISSUER = "shop-identity";
/** The `aud` of every access token. */
export const AUDIENCE = "shop";

/** Verifies access tokens against the published keys, re-reading them when an unknown `kid` appears. */
export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
}

/** Builds a verifier reading `shop/jwks` from the secret store (so a rotated key needs no restart). */
export function createTokenVerifier(secrets: SecretStore, { refreshMs = 60_000 } = {}): TokenVerifier {
  let keySet: { at: number; get: ReturnType<typeof createLocalJWKSet> } | undefined;
  async function keys(force: boolean) {
    if (!keySet || force || Date.now() - keySet.at > refreshMs) {
      // Forced (an unknown kid): past any cache of the store, so a key published a moment ago counts.
      const secret = await secrets.read(JWKS_PATH, { fresh: force });
      if (!secret?.jwks) throw new Error(`no public keys at ${JWKS_PATH}`);
      keySet = { at: Date.now(), get: createLocalJWKSet(JSON.parse(secret.jwks) as JSONWebKeySet) };
    }
    return keySet.get;
  }
  async function verifyWith(token: string, force: boolean) {
    const { payload } = await jwtVerify(token, await keys(force), {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ["EdDSA"],
    });
    const role = payload.role;
    if (typeof payload.sub !== "string" || (role !== "customer" && role !== "admin")) {
      throw new Error("token lacks sub or role");
    }
    const principal: Principal = { userId: payload.sub, role };
    if (typeof payload.sid === "string") principal.sessionId = payload.sid;
    return principal;
  }
  return {
    async verify(token) {
      try {
        return await verifyWith(token, false);
      } catch (error) {
        // A key rotated in since the last read: read the key set again once.
        if ((error as { code?: string }).code === "ERR_JWKS_NO_MATCHING_KEY") {
          try {
            return await verifyWith(token, true);
          } catch {
            // falls through to the same answer as any other bad token
          }
        }
        throw new ConnectError(
          "Your session is not valid or has expired. Please log in again.",
          Code.Unauthenticated,
        );
      }
    },
  };
}

/** Signs access tokens with the newest signing key from the secret store. */
export interface TokenSigner {
  sign(principal: Principal, ttlSeconds: number): Promise<{ token: string; expiresAt: Date }>;
}

/** Builds a signer reading `shop/identity/jwt` (re-read at most every `refreshMs`, for rotation). */
export function createTokenSigner(secrets: SecretStore, { refreshMs = 60_000 } = {}): TokenSigner {
  let cached: { at: number; kid: string; key: Awaited<ReturnType<typeof importJWK>> } | undefined;
  async function key() {
    if (!cached || Date.now() - cached.at > refreshMs) {
      const secret = await secrets.read(SIGNING_KEY_PATH);
      if (!secret?.kid || !secret.privateJwk) throw new Error(`no signing key at ${SIGNING_KEY_PATH}`);
      cached = {
        at: Date.now(),
        kid: secret.kid,
        key: await importJWK(JSON.parse(secret.privateJwk), "EdDSA"),
      };
    }
    return cached;
  }
  return {
    async sign(principal, ttlSeconds) {
      const { kid, key: privateKey } = await key();
      const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
      const claims = principal.sessionId
        ? { role: principal.role, sid: principal.sessionId }
        : { role: principal.role };
      const token = await new SignJWT(claims)
        .setProtectedHeader({ alg: "EdDSA", kid, typ: "JWT" })
        .setSubject(principal.userId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
        .sign(privateKey);
      return { token, expiresAt };
    },
  };
}
