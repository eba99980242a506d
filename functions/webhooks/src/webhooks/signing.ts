/**
 * Standard Webhooks signatures (standardwebhooks.com): `webhook-signature: v1,<base64 HMAC-SHA256 of
 * "<webhook-id>.<webhook-timestamp>.<body>">`, keyed with the base64-decoded part of a `whsec_` secret.
 *
 * Written over node:crypto rather than the `standardwebhooks` package: that package turns a Buffer
 * body into a UTF-8 string before signing (and JSON-parses it when verifying), which mangles the
 * protobuf bodies of endpoints that take the binary form. The bytes are signed here as they are sent.
 * Partners verify with tools/src/webhooks/verify.ts (or any Standard Webhooks library, for JSON).
 */
import { createHmac, randomBytes } from "node:crypto";

/** The prefix of a signing secret. */
export const SECRET_PREFIX = "whsec_";

/** A new signing secret: `whsec_` and 32 random bytes in base64. */
export function newSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString("base64")}`;
}

function keyOf(secret: string): Buffer {
  return Buffer.from(
    secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret,
    "base64",
  );
}

/** The `v1,<base64>` signature of `body` sent as delivery `id` at `timestamp` (seconds). */
export function sign(secret: string, id: string, timestamp: number, body: Uint8Array): string {
  const mac = createHmac("sha256", keyOf(secret));
  mac.update(`${id}.${timestamp}.`);
  mac.update(body);
  return `v1,${mac.digest("base64")}`;
}

/** The three Standard Webhooks headers of a delivery. */
export function signatureHeaders(
  secret: string,
  id: string,
  at: Date,
  body: Uint8Array,
): Record<string, string> {
  const timestamp = Math.floor(at.getTime() / 1000);
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": sign(secret, id, timestamp, body),
  };
}
