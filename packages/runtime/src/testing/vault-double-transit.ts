/**
 * The Transit part of the Vault double: `POST /v1/transit/encrypt/<key>` and `/decrypt/<key>` with
 * Vault's request and response shapes (plaintext in base64, `vault:v1:` ciphertexts of aes256-gcm96)
 * (a `context` derives the key, as for a key made with `derived=true`) and its errors: 403 without `update` on the path, 400 for an unknown key or a ciphertext it cannot
 * open.
 */
import { randomBytes } from "node:crypto";
import { openWithKey, sealWithKey } from "../secrets/transit.ts";

/** The double's Transit keys by name. */
export type TransitKeys = Map<string, Buffer>;

/** A new random key (what `vault write -f transit/keys/<name>` makes). */
export function newTransitKey(): Buffer {
  return randomBytes(32);
}

/**
 * The answer to a Transit request at `path` (below /v1/), or undefined when it is not one.
 * `may(path)` says whether the caller's policies grant `update` on it.
 */
export function transitAnswer(
  keys: TransitKeys,
  path: string,
  body: Record<string, unknown>,
  may: (path: string) => boolean,
): [number, object] | undefined {
  const match = /^transit\/(encrypt|decrypt)\/([^/]+)$/.exec(path);
  if (!match) return undefined;
  if (!may(path)) return [403, { errors: ["permission denied"] }];
  const [, verb, name = ""] = match;
  const context =
    typeof body.context === "string" ? Buffer.from(body.context, "base64").toString("utf8") : undefined;
  const key = keys.get(name);
  if (!key)
    return [400, { errors: [verb === "encrypt" ? "encryption key not found" : "decryption key not found"] }];
  if (verb === "encrypt") {
    if (typeof body.plaintext !== "string") return [400, { errors: ["missing plaintext to encrypt"] }];
    const plaintext = Buffer.from(body.plaintext, "base64").toString("utf8");
    return [200, { data: { ciphertext: sealWithKey(key, plaintext, context), key_version: 1 } }];
  }
  if (typeof body.ciphertext !== "string") return [400, { errors: ["missing ciphertext to decrypt"] }];
  try {
    const plaintext = openWithKey(name, key, body.ciphertext, context);
    return [200, { data: { plaintext: Buffer.from(plaintext).toString("base64") } }];
  } catch {
    return [400, { errors: ["invalid ciphertext: cipher: message authentication failed"] }];
  }
}
