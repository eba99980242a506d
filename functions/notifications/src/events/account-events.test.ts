import { waitFor } from "@shop/runtime/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { users } from "../db/schema.ts";
import { type MailCatcher, startMailCatcher } from "../mail/catcher.ts";
import {
  deliverTwice,
  emailVerified,
  type Notifications,
  passwordChanged,
  passwordResetRequested,
  startNotifications,
  storedEmails,
  userRegistered,
  waitForMail,
} from "../test-support.ts";

let catcher: MailCatcher;
let fn: Notifications;

beforeAll(async () => {
  catcher = await startMailCatcher();
  fn = await startNotifications(catcher);
});
afterAll(async () => {
  await fn.close();
  await catcher.close();
});

describe("on UserRegistered", () => {
  it("sends one welcome email with a verify link holding the opened token, however often it is delivered", async () => {
    const event = await userRegistered("u-welcome", "ada@example.com", "tok-verify-1");
    expect(await deliverTwice(fn, event)).toEqual(["handled", "duplicate"]);
    const [mail, ...more] = await waitForMail(fn, catcher, "ada@example.com");
    expect(more).toEqual([]);
    expect(mail?.subject).toBe("Welcome to Shop: please confirm your email");
    expect(mail?.text).toContain("https://shop.example/#/verify?token=tok-verify-1");
    expect(mail?.html).toContain('href="https://shop.example/#/verify?token=tok-verify-1"');
    expect(mail?.from).toContain("shop@shop.example");
    const [stored] = await storedEmails(fn, "u-welcome");
    expect(stored).toMatchObject({
      kind: "welcome",
      state: "sent",
      recipient: "ada@example.com",
      attempts: 1,
    });
    expect(mail?.messageId).toBe(`<${stored?.id}@shop.example>`);
    // The token is stored as it came, sealed: nothing in the table opens an account.
    expect(JSON.stringify(stored?.data)).not.toContain("tok-verify-1");
  });

  it("gives up on a token not sealed for this user, and sends nothing", async () => {
    // Sealed for another user (copied from their event): it opens for nobody else.
    const forged = await userRegistered("u-forged", "eve@example.com", "tok-other", "u-other");
    await fn.receive(forged);
    await fn.tick();
    const [stored] = await waitFor(async () => {
      const rows = await storedEmails(fn, "u-forged");
      return rows[0]?.state === "failed" && rows;
    });
    expect(stored?.lastError).toMatch(/cannot be decrypted with the Transit key shop-notification-token/);
    expect(catcher.messages().filter((m) => m.to.includes("eve@example.com"))).toEqual([]);
  });
});

describe("on PasswordResetRequested", () => {
  it("sends one reset email with the opened token in its link", async () => {
    const event = await passwordResetRequested("u-reset", "grace@example.com", "tok-reset-9");
    expect(await deliverTwice(fn, event)).toEqual(["handled", "duplicate"]);
    const mails = await waitForMail(fn, catcher, "grace@example.com");
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toBe("Reset your Shop password");
    expect(mails[0]?.text).toContain("https://shop.example/#/reset?token=tok-reset-9");
    expect(mails[0]?.text).toContain("until Tue, 01 Dec 2026 11:00:00 GMT");
  });
});

describe("on PasswordChanged", () => {
  it("sends one notice that the password was changed", async () => {
    expect(await deliverTwice(fn, passwordChanged("u-changed", "alan@example.com"))).toEqual([
      "handled",
      "duplicate",
    ]);
    const mails = await waitForMail(fn, catcher, "alan@example.com");
    expect(mails.map((m) => m.subject)).toEqual(["Your Shop password was changed"]);
    expect(mails[0]?.text).toContain("every device was signed out");
    expect(mails[0]?.text).toContain("https://shop.example/#/forgot");
  });
});

describe("on EmailVerified", () => {
  it("marks the address verified (following a changed one) once, and sends nothing", async () => {
    await fn.receive(await userRegistered("u-verified", "old@example.com"));
    const verified = emailVerified("u-verified", "new@example.com");
    expect(await deliverTwice(fn, verified)).toEqual(["handled", "duplicate"]);
    const [user] = await fn.app.db.select().from(users).where(eq(users.userId, "u-verified"));
    expect(user).toMatchObject({ email: "new@example.com", emailVerified: true });
    // A UserRegistered delivered again later does not undo the verification of the same address.
    await fn.receive(await userRegistered("u-verified", "new@example.com"));
    const [again] = await fn.app.db.select().from(users).where(eq(users.userId, "u-verified"));
    expect(again?.emailVerified).toBe(true);
    await waitForMail(fn, catcher, "old@example.com");
    expect((await storedEmails(fn, "u-verified")).map((e) => e.kind)).toEqual(["welcome", "welcome"]);
    expect(
      catcher
        .messages()
        .filter((m) => m.to.includes("new@example.com"))
        .map((m) => m.subject),
    ).toEqual(["Welcome to Shop: please confirm your email"]);
  });
});
