/**
 * The local broker's side of sender identity: an issuer with its own key that mints a short-lived
 * OIDC token per delivery audience, as Knative asks Kubernetes for one (TokenRequest), and publishes
 * its public key as a JWKS for the functions. Tokens are cached per audience until near expiry.
 */
import { randomUUID } from "node:crypto";
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
  SignJWT,
} from "jose";

/** Mints delivery tokens and publishes the key that verifies them. */
export interface EventIssuer {
  /** The `iss` of its tokens. */
  issuer: string;
  /** Its public key as a JWKS document (what its JWKS endpoint serves). */
  jwks: JSONWebKeySet;
  /** Verification keys for a function in the same process. */
  keys: JWTVerifyGetKey;
  /** A token for `audience`, reused until a minute before it expires. */
  token(audience: string): Promise<string>;
  /** A token with explicit claims (tests: expired, another subject). */
  sign(claims: { audience: string; expiresInS: number; subject?: string }): Promise<string>;
}

/** Options of {@link createEventIssuer}. */
export interface EventIssuerOptions {
  /** The `iss` claim (default `shop-local-broker`). */
  issuer?: string;
  /** Lifetime of a token in seconds (default 10 minutes; Knative's tokens last an hour). */
  ttlS?: number;
  /** The `sub` claim: who sends (default the broker's dispatcher, as a service account). */
  subject?: string;
}

// A cached token is renewed this long before it expires, so none is sent that expires on the way.
const RENEW_BEFORE_MS = 60_000;

/** Creates an issuer with a fresh Ed25519 key. */
export async function createEventIssuer(options: EventIssuerOptions = {}): Promise<EventIssuer> {
  const issuer = options.issuer ?? "shop-local-broker";
  const ttlS = options.ttlS ?? 600;
  const subject = options.subject ?? "system:serviceaccount:knative-eventing:kafka-broker-dispatcher";
  const { privateKey, publicKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
  const kid = randomUUID();
  const jwks: JSONWebKeySet = { keys: [{ ...(await exportJWK(publicKey)), kid, alg: "EdDSA", use: "sig" }] };
  const sign: EventIssuer["sign"] = (claims) =>
    new SignJWT({})
      .setProtectedHeader({ alg: "EdDSA", kid, typ: "JWT" })
      .setIssuer(issuer)
      .setSubject(claims.subject ?? subject)
      .setAudience(claims.audience)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + claims.expiresInS)
      .sign(privateKey);
  const cached = new Map<string, { token: Promise<string>; renewAt: number }>();
  return {
    issuer,
    jwks,
    keys: createLocalJWKSet(jwks),
    sign,
    token(audience) {
      const hit = cached.get(audience);
      if (hit && hit.renewAt > Date.now()) return hit.token;
      const token = sign({ audience, expiresInS: ttlS });
      cached.set(audience, { token, renewAt: Date.now() + ttlS * 1000 - RENEW_BEFORE_MS });
      return token;
    },
  };
}
