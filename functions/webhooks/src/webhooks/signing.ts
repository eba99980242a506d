/**
 * Standard Webhooks signatures (standardwebhooks.com): `webhook-signature: v1,<base64 HMAC-SHA256 of
 * "<webhook-id>.<webhook-timestamp>.<body>">`, keyed with the base64-decoded part of a `whsec_` secret.
 *
 * Written over node:crypto rather than the `standardwebhooks` package: that package turns a Buffer
 * body into a UTF-8 string before signing (and JSON-parses it when verifying), which mangles the
 * protobuf bodies of endpoints that take the binary form. The bytes are signed here as they are sent.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** The prefix of a signing secret. */
export const SECRET_PREFIX = "whsec_";

/** How far a receiver lets `webhook-timestamp` be from its clock, in seconds (Standard Webhooks: 5 min). */
export const TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;

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

/** What a receiver made of a delivery's signature: valid, or why not. */
export type Verification = { valid: true } | { valid: false; reason: string };

/**
 * Checks a delivery as a partner's receiver does: the headers are there, the timestamp is within
 * {@link TIMESTAMP_TOLERANCE_SECONDS} of `now`, and one of the space-separated `v1,` signatures is the
 * HMAC of the body with `secret` (compared in constant time).
 */
export function verify(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  body: Uint8Array,
  now: Date = new Date(),
): Verification {
  const header = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const id = header("webhook-id");
  const timestamp = header("webhook-timestamp");
  const signatures = header("webhook-signature");
  if (!id || !timestamp || !signatures) return { valid: false, reason: "a webhook-* header is missing" };
  const seconds = Number(timestamp);
  if (!Number.isInteger(seconds))
    return { valid: false, reason: "webhook-timestamp is not a number of seconds" };
  if (Math.abs(now.getTime() / 1000 - seconds) > TIMESTAMP_TOLERANCE_SECONDS) {
    return { valid: false, reason: "webhook-timestamp is more than 5 minutes away from now" };
  }
  const expected = Buffer.from(sign(secret, id, seconds, body).slice(3), "base64");
  for (const candidate of signatures.split(" ")) {
    const [version, value] = candidate.split(",", 2);
    if (version !== "v1" || !value) continue;
    const given = Buffer.from(value, "base64");
    if (given.length === expected.length && timingSafeEqual(given, expected)) return { valid: true };
  }
  return { valid: false, reason: "no signature matches the body" };
}
