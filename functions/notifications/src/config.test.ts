import { describe, expect, it } from "vitest";
import { readNotificationsConfig } from "./config.ts";
import { classifySmtpError, smtpSettings } from "./mail/smtp.ts";

describe("notifications' config", () => {
  it("links to the local shop and retries for a day, unless told otherwise", () => {
    expect(readNotificationsConfig({})).toEqual({
      publicUrl: "http://127.0.0.1:8080",
      delaysMs: [10_000, 30_000, 60_000, 300_000, 900_000, 3_600_000],
      horizonMs: 86_400_000,
      batch: 20,
      timeoutMs: 30_000,
      retentionMs: 30 * 24 * 3_600_000,
    });
    expect(
      readNotificationsConfig({
        SHOP_PUBLIC_URL: "https://shop.example/",
        NOTIFICATIONS_RETRY_DELAYS_MS: "5, 10",
      }),
    ).toMatchObject({ publicUrl: "https://shop.example", delaysMs: [5, 10] });
  });

  it("refuses values it cannot use, naming the variable", () => {
    expect(() => readNotificationsConfig({ SHOP_PUBLIC_URL: "shop.example" })).toThrow(/SHOP_PUBLIC_URL/);
    expect(() => readNotificationsConfig({ NOTIFICATIONS_RETRY_DELAYS_MS: "10,-1" })).toThrow(
      /NOTIFICATIONS_RETRY_DELAYS_MS/,
    );
    expect(() => readNotificationsConfig({ NOTIFICATIONS_BATCH: "many" })).toThrow(/NOTIFICATIONS_BATCH/);
  });

  it("keeps emails at least as long as processed-event records: an email is its event's record", () => {
    const week = 7 * 24 * 3_600_000;
    expect(() => readNotificationsConfig({ NOTIFICATIONS_RETENTION_MS: String(week) })).toThrow(
      `NOTIFICATIONS_RETENTION_MS (${week}) must be at least SHOP_PROCESSED_EVENTS_RETENTION_MS (${8 * 24 * 3_600_000})`,
    );
    expect(
      readNotificationsConfig({
        NOTIFICATIONS_RETENTION_MS: String(week),
        SHOP_PROCESSED_EVENTS_RETENTION_MS: String(week),
      }).retentionMs,
    ).toBe(week);
  });
});

describe("the SMTP secret", () => {
  it("reads host, port, TLS, login and sender, and names what is missing without printing a value", () => {
    expect(
      smtpSettings({
        host: "smtp.example",
        port: "465",
        secure: "true",
        user: "shop",
        password: "pw",
        from: "S <s@x>",
      }),
    ).toEqual({
      host: "smtp.example",
      port: 465,
      secure: true,
      user: "shop",
      password: "pw",
      from: "S <s@x>",
    });
    expect(() => smtpSettings(undefined)).toThrow("the secret shop/notifications/smtp has no host");
    expect(() => smtpSettings({ host: "h", port: "x", password: "hunter2" })).toThrow(/no valid port/);
    expect(() => smtpSettings({ host: "h", port: "x", password: "hunter2" })).not.toThrow(/hunter2/);
  });

  it("tells a refusal for good (5xx) from a failure worth another try", () => {
    expect(
      classifySmtpError(Object.assign(new Error("mailbox unavailable"), { responseCode: 550 })),
    ).toMatchObject({
      kind: "refused",
    });
    expect(classifySmtpError(Object.assign(new Error("try later"), { responseCode: 451 }))).toMatchObject({
      kind: "failed",
    });
    expect(classifySmtpError(Object.assign(new Error("connect"), { code: "ECONNREFUSED" }))).toEqual({
      kind: "failed",
      reason: "ECONNREFUSED: connect",
    });
  });
});
