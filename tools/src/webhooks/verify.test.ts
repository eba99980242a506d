import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { verifyWebhook } from "./verify.ts";

const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const now = new Date("2026-12-01T12:00:00Z");
const seconds = now.getTime() / 1000;
const body = new TextEncoder().encode('{"orderId":"o-1"}');

function signed(at = seconds, payload: Uint8Array = body, key = secret) {
  const mac = createHmac("sha256", Buffer.from(key.slice("whsec_".length), "base64"))
    .update(`msg_1.${at}.`)
    .update(payload)
    .digest("base64");
  return { "webhook-id": "msg_1", "webhook-timestamp": String(at), "webhook-signature": `v1,${mac}` };
}

describe("verifying a webhook as a partner does", () => {
  it("accepts the specification's example", () => {
    const headers = {
      "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
      "webhook-timestamp": "1614265330",
      "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    };
    const example = new TextEncoder().encode('{"test": 2432232314}');
    expect(verifyWebhook(secret, headers, example, new Date(1614265330_000))).toEqual({
      valid: true,
      id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
    });
  });

  it("accepts a signed delivery, also among several signatures", () => {
    expect(verifyWebhook(secret, signed(), body, now).valid).toBe(true);
    const headers = signed();
    headers["webhook-signature"] = `v1,bm90IGl0 ${headers["webhook-signature"]}`;
    expect(verifyWebhook(secret, headers, body, now).valid).toBe(true);
  });

  it("refuses a tampered body", () => {
    const tampered = new TextEncoder().encode('{"orderId":"o-2"}');
    expect(verifyWebhook(secret, signed(), tampered, now)).toEqual({
      valid: false,
      reason: "no signature matches the body and the secret",
    });
  });

  it("refuses a signature made with another secret", () => {
    const other = "whsec_QWxzbyBhIHNlY3JldCwgYnV0IG5vdCB0aGUgb25l";
    expect(verifyWebhook(secret, signed(seconds, body, other), body, now).valid).toBe(false);
  });

  it("refuses a timestamp more than 5 minutes away, or one changed after signing", () => {
    expect(verifyWebhook(secret, signed(seconds - 301), body, now)).toEqual({
      valid: false,
      reason: "webhook-timestamp is more than 5 minutes from now",
    });
    expect(verifyWebhook(secret, signed(seconds + 301), body, now).valid).toBe(false);
    const moved = { ...signed(), "webhook-timestamp": String(seconds - 10) };
    expect(verifyWebhook(secret, moved, body, now).valid).toBe(false);
  });

  it("refuses a delivery without the headers", () => {
    expect(verifyWebhook(secret, {}, body, now)).toEqual({
      valid: false,
      reason: "a webhook-* header is missing",
    });
  });
});
