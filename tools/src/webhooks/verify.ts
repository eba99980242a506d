/**
 * How a partner checks a Shop webhook, in a few lines of node:crypto and nothing else (copy it):
 * Standard Webhooks (standardwebhooks.com) `v1` signatures, the HMAC-SHA256 of
 * `<webhook-id>.<webhook-timestamp>.<raw body bytes>` keyed with the base64 part of the `whsec_`
 * secret, and a timestamp no more than 5 minutes from the receiver's clock (against replays).
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** How far `webhook-timestamp` may be from now, in seconds. */
export const TOLERANCE_SECONDS = 5 * 60;

/** What the check found: valid, or why not (a sentence). */
export type Verdict = { valid: true; id: string } | { valid: false; reason: string };

type Headers = Record<string, string | string[] | undefined>;

/** Checks the signature and timestamp of a delivery: its headers and its body exactly as received. */
export function verifyWebhook(secret: string, headers: Headers, body: Uint8Array, now = new Date()): Verdict {
  const header = (name: string) => [headers[name]].flat()[0];
  const id = header("webhook-id");
  const timestamp = header("webhook-timestamp");
  const signatures = header("webhook-signature");
  if (!id || !timestamp || !signatures) return { valid: false, reason: "a webhook-* header is missing" };
  const seconds = Number(timestamp);
  if (!Number.isInteger(seconds)) return { valid: false, reason: "webhook-timestamp is not whole seconds" };
  if (Math.abs(now.getTime() / 1000 - seconds) > TOLERANCE_SECONDS) {
    return { valid: false, reason: "webhook-timestamp is more than 5 minutes from now" };
  }
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const expected = createHmac("sha256", key).update(`${id}.${seconds}.`).update(body).digest();
  // Several space-separated signatures during a secret rotation; any one that matches will do.
  for (const signature of signatures.split(" ")) {
    const [version, value] = signature.split(",");
    const given = Buffer.from(value ?? "", "base64");
    if (version === "v1" && given.length === expected.length && timingSafeEqual(given, expected)) {
      return { valid: true, id };
    }
  }
  return { valid: false, reason: "no signature matches the body and the secret" };
}
