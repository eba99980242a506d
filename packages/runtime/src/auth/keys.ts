/**
 * Token keys. Identity signs with the newest private key (by `kid`); every function verifies with
 * the public keys published at `shop/jwks`. Without Vault, a fixed dev key pair is used so that
 * separate local processes agree; it is announced at start and is never for production.
 */
import { createHash, createPrivateKey, createPublicKey, type JsonWebKey } from "node:crypto";

/** The secret path of identity's signing key: `{ kid, privateJwk }` (privateJwk is a JSON string). */
export const SIGNING_KEY_PATH = "shop/identity/jwt";
/** The secret path of the public keys every function accepts: `{ jwks }` (a JSON JWK set). */
export const JWKS_PATH = "shop/jwks";

/** A signing key: its id and its private JWK. */
export interface SigningKey {
  kid: string;
  privateJwk: JsonWebKey;
}

/** An Ed25519 key pair derived from a seed string (dev and tests only). */
export function keyFromSeed(
  seed: string,
  kid = `dev-${createHash("sha256").update(seed).digest("hex").slice(0, 8)}`,
): SigningKey {
  const raw = createHash("sha256").update(seed).digest();
  // PKCS#8 DER of an Ed25519 private key is a fixed 16-byte prefix followed by the 32-byte seed.
  const der = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), raw]);
  const key = createPrivateKey({ key: der, format: "der", type: "pkcs8" });
  return { kid, privateJwk: key.export({ format: "jwk" }) };
}

/** The public JWK of a signing key, with its kid, alg and use. */
export function publicJwk(key: SigningKey): JsonWebKey & { kid: string } {
  const jwk = createPublicKey({ key: key.privateJwk, format: "jwk" }).export({ format: "jwk" });
  return { ...jwk, kid: key.kid, alg: "EdDSA", use: "sig" };
}

/** The dev key pair used when no secret store provides one. */
export const devSigningKey: SigningKey = keyFromSeed("shop dev signing key: not for production", "dev-1");

/** Dev values of the key secrets, in the shape the secret store returns. */
export function devKeySecrets(): Record<string, Record<string, string>> {
  return {
    [SIGNING_KEY_PATH]: { kid: devSigningKey.kid, privateJwk: JSON.stringify(devSigningKey.privateJwk) },
    [JWKS_PATH]: { jwks: JSON.stringify({ keys: [publicJwk(devSigningKey)] }) },
  };
}
