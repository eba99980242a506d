import { describe, expect, it } from "vitest";
import { newSecret, SECRET_PREFIX, sign, signatureHeaders } from "./signing.ts";

describe("Standard Webhooks signatures", () => {
  it("signs the specification's example as its reference libraries do", () => {
    // The example of the Standard Webhooks specification and its libraries' tests.
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const body = new TextEncoder().encode('{"test": 2432232314}');
    expect(sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)).toBe(
      "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    );
  });

  it("puts the delivery id, the time in seconds and the signature of the exact bytes in the headers", () => {
    const secret = newSecret();
    const body = new Uint8Array([0x0a, 0x03, 0xff, 0xfe, 0x00]);
    const headers = signatureHeaders(secret, "d-1", new Date("2026-12-01T10:00:00.900Z"), body);
    expect(headers["webhook-id"]).toBe("d-1");
    expect(headers["webhook-timestamp"]).toBe(String(Date.parse("2026-12-01T10:00:00Z") / 1000));
    expect(headers["webhook-signature"]).toBe(
      sign(secret, "d-1", Number(headers["webhook-timestamp"]), body),
    );
    // Bytes that are no UTF-8 are signed as bytes: another body with the same UTF-8 decoding differs.
    const other = new Uint8Array([0x0a, 0x03, 0xfe, 0xff, 0x00]);
    expect(sign(secret, "d-1", 1, other)).not.toBe(sign(secret, "d-1", 1, body));
  });

  it("makes secrets of 32 random bytes behind whsec_", () => {
    const secret = newSecret();
    expect(secret.startsWith(SECRET_PREFIX)).toBe(true);
    expect(Buffer.from(secret.slice(SECRET_PREFIX.length), "base64")).toHaveLength(32);
    expect(newSecret()).not.toBe(secret);
  });
});
