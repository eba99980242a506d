import { type DescMessage, isMessage, type MessageShape, toBinary } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { type Client, Code, ConnectError } from "@connectrpc/connect";
import { envSecretStore, openNotificationToken, UnreadableCiphertextError } from "@shop/runtime";
import { publishedEvents, testClient } from "@shop/runtime/testing";
import {
  EmailVerifiedSchema,
  PasswordChangedSchema,
  PasswordResetRequestedSchema,
  UserRegisteredSchema,
} from "@shop/schemas/identity/v1/events";
import { IdentityService, RequestPasswordResetResponseSchema } from "@shop/schemas/identity/v1/identity";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { noAddressLimit, type RunningIdentity, startIdentity } from "../test-support.ts";

// Generous: other test files may be keeping this machine's cores busy.
vi.setConfig({ testTimeout: 30_000 });

let fn: RunningIdentity;
let identity: Client<typeof IdentityService>;
// A clock the test moves (expiry without sleeping).
let clock = new Date("2030-01-01T00:00:00Z");
const later = (seconds: number) => {
  clock = new Date(clock.getTime() + seconds * 1000);
};
// The local secret store: what notifications opens the sealed tokens with in a local run.
const notifications = envSecretStore({});

async function refusal(promise: Promise<unknown>): Promise<{ code: Code; message: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectError);
  return { code: (error as ConnectError).code, message: (error as ConnectError).rawMessage };
}

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

/** The messages of type `schema` identity published so far. */
async function published<Desc extends DescMessage>(schema: Desc): Promise<MessageShape<Desc>[]> {
  return (await publishedEvents(fn))
    .map((e) => e.message)
    .filter((m): m is MessageShape<Desc> => isMessage(m, schema));
}

/** Registers `email` and returns the user id and the plain verification token notifications would mail. */
async function registered(email: string, password = "first-password") {
  const { user } = await identity.register({ email, password });
  const event = (await published(UserRegisteredSchema)).find((e) => e.userId === user?.id);
  const token = await openNotificationToken(
    notifications,
    event?.sealedVerificationToken ?? "",
    user?.id ?? "",
  );
  return { userId: user?.id ?? "", token, event };
}

/** Asks for a reset of `email` and returns the plain reset token of the newest event for it. */
async function resetToken(email: string): Promise<string> {
  await identity.requestPasswordReset({ email });
  const event = (await published(PasswordResetRequestedSchema)).filter((e) => e.email === email).at(-1);
  return openNotificationToken(notifications, event?.sealedResetToken ?? "", event?.userId ?? "");
}

beforeAll(async () => {
  fn = await startIdentity({
    deps: { now: () => clock, addressLimiter: noAddressLimit, resetLimiter: noAddressLimit },
  });
  identity = await testClient(fn, IdentityService);
}, 120_000);
afterAll(() => fn.close());

describe("VerifyEmail", () => {
  it("Register puts a sealed 48-hour token on UserRegistered that only opens for its user", async () => {
    const { userId, event } = await registered("vera@example.com");
    expect(event?.sealedVerificationToken).toMatch(/^vault:v1:/);
    expect(timestampDate(event!.verificationExpiresAt!)).toEqual(new Date(clock.getTime() + 48 * 3600_000));
    await expect(
      openNotificationToken(notifications, event?.sealedVerificationToken ?? "", `${userId}-not`),
    ).rejects.toThrow(UnreadableCiphertextError);
  });

  it("marks the address verified (Me and Login show it), emits EmailVerified, and works once", async () => {
    const { userId, token } = await registered("walt@example.com");
    const before = await identity.login({ email: "walt@example.com", password: "first-password" });
    expect(before.user?.emailVerified).toBe(false);

    // Anonymous: the link is opened in any browser, logged in or not.
    const { user } = await identity.verifyEmail({ token });
    expect(user).toMatchObject({ id: userId, email: "walt@example.com", emailVerified: true });
    const me = await identity.me({}, bearer(before.tokens?.accessToken ?? ""));
    expect(me.user?.emailVerified).toBe(true);
    const after = await identity.login({ email: "walt@example.com", password: "first-password" });
    expect(after.user?.emailVerified).toBe(true);
    expect((await published(EmailVerifiedSchema)).filter((e) => e.userId === userId)).toEqual([
      expect.objectContaining({ email: "walt@example.com" }),
    ]);

    expect(await refusal(identity.verifyEmail({ token }))).toEqual({
      code: Code.InvalidArgument,
      message: "This verification link was already used.",
    });
    expect((await published(EmailVerifiedSchema)).filter((e) => e.userId === userId)).toHaveLength(1);
  });

  it("verifies the token's account, not the caller's", async () => {
    const mallory = await registered("mallory@example.com");
    const { token } = await registered("trent@example.com");
    const session = await identity.login({ email: "mallory@example.com", password: "first-password" });
    const { user } = await identity.verifyEmail({ token }, bearer(session.tokens?.accessToken ?? ""));
    expect(user?.email).toBe("trent@example.com");
    const me = await identity.me({}, bearer(session.tokens?.accessToken ?? ""));
    expect(me.user).toMatchObject({ id: mallory.userId, emailVerified: false });
  });

  it("refuses a forged, empty or wrong-purpose token as not valid", async () => {
    await registered("xena@example.com");
    const notValid = {
      code: Code.InvalidArgument,
      message:
        "This verification link is not valid. Please open the link from the email exactly as it was sent.",
    };
    const reset = await resetToken("xena@example.com");
    for (const token of ["", "forged-token", reset]) {
      expect(await refusal(identity.verifyEmail({ token }))).toEqual(notValid);
    }
    const me = await identity.login({ email: "xena@example.com", password: "first-password" });
    expect(me.user?.emailVerified).toBe(false);
  });

  it("refuses a token after its 48 hours", async () => {
    const { token } = await registered("yuri@example.com");
    later(48 * 3600);
    expect(await refusal(identity.verifyEmail({ token }))).toEqual({
      code: Code.InvalidArgument,
      message:
        "This verification link has expired. Your account works as before; the address stays unverified.",
    });
  });
});

describe("RequestPasswordReset", () => {
  it("answers an existing and an unknown address alike; only the existing one gets an email", async () => {
    const { userId } = await registered("zoe@example.com");
    const known = await identity.requestPasswordReset({ email: " Zoe@Example.com " });
    const unknown = await identity.requestPasswordReset({ email: "nobody-here@example.com" });
    expect(toBinary(RequestPasswordResetResponseSchema, known)).toEqual(
      toBinary(RequestPasswordResetResponseSchema, unknown),
    );
    const events = await published(PasswordResetRequestedSchema);
    expect(events.filter((e) => e.email === "nobody-here@example.com")).toEqual([]);
    const zoe = events.filter((e) => e.userId === userId);
    expect(zoe).toEqual([expect.objectContaining({ email: "zoe@example.com" })]);
    expect(timestampDate(zoe[0]!.expiresAt!)).toEqual(new Date(clock.getTime() + 3600_000));
    expect(timestampDate(zoe[0]!.requestedAt!)).toEqual(clock);
  });

  it("refuses a malformed address with InvalidArgument", async () => {
    for (const email of ["", "not-an-email"]) {
      expect(await refusal(identity.requestPasswordReset({ email }))).toEqual({
        code: Code.InvalidArgument,
        message: "Please enter a valid email address.",
      });
    }
  });
});

describe("ResetPassword", () => {
  it("sets the new password, ends every session, emits PasswordChanged, and works once", async () => {
    const { userId } = await registered("adam@example.com", "old-password");
    const session = await identity.login({ email: "adam@example.com", password: "old-password" });
    const token = await resetToken("adam@example.com");

    // Anonymous, like the link in the email.
    await identity.resetPassword({ token, newPassword: "new-password" });
    const ended = { code: Code.Unauthenticated, message: "Your session has ended. Please log in again." };
    expect(await refusal(identity.me({}, bearer(session.tokens?.accessToken ?? "")))).toEqual(ended);
    expect(await refusal(identity.refresh({ refreshToken: session.tokens?.refreshToken ?? "" }))).toEqual(
      ended,
    );
    expect(
      (await refusal(identity.login({ email: "adam@example.com", password: "old-password" }))).code,
    ).toBe(Code.Unauthenticated);
    await identity.login({ email: "adam@example.com", password: "new-password" });
    expect((await published(PasswordChangedSchema)).filter((e) => e.userId === userId)).toEqual([
      expect.objectContaining({ email: "adam@example.com" }),
    ]);

    expect(await refusal(identity.resetPassword({ token, newPassword: "third-password" }))).toEqual({
      code: Code.InvalidArgument,
      message:
        "This password reset link was already used or replaced by a newer one. Please ask for a new one.",
    });
    await identity.login({ email: "adam@example.com", password: "new-password" });
  });

  it("applies Register's password policy, with its sentences, and keeps the token for a better try", async () => {
    await registered("beth@example.com");
    const token = await resetToken("beth@example.com");
    expect(await refusal(identity.resetPassword({ token, newPassword: "short" }))).toEqual({
      code: Code.InvalidArgument,
      message: "The password must have at least 8 characters.",
    });
    expect(await refusal(identity.resetPassword({ token, newPassword: "x".repeat(1025) }))).toEqual({
      code: Code.InvalidArgument,
      message: "The password must have at most 1024 characters.",
    });
    await identity.resetPassword({ token, newPassword: "long-enough" });
  });

  it("only the newest link works: a newer request replaces the older one", async () => {
    await registered("cleo@example.com");
    const older = await resetToken("cleo@example.com");
    const newer = await resetToken("cleo@example.com");
    expect(older).not.toBe(newer);
    expect((await refusal(identity.resetPassword({ token: older, newPassword: "cleo-new-1" }))).message).toBe(
      "This password reset link was already used or replaced by a newer one. Please ask for a new one.",
    );
    await identity.resetPassword({ token: newer, newPassword: "cleo-new-2" });
    await identity.login({ email: "cleo@example.com", password: "cleo-new-2" });
  });

  it("refuses a link after its hour, and an unknown, empty or verification token", async () => {
    const { token: verification } = await registered("dora@example.com");
    const token = await resetToken("dora@example.com");
    later(3600);
    expect(await refusal(identity.resetPassword({ token, newPassword: "dora-new-password" }))).toEqual({
      code: Code.InvalidArgument,
      message: "This password reset link has expired. Please ask for a new one.",
    });
    for (const other of ["", "made-up", verification]) {
      expect(
        await refusal(identity.resetPassword({ token: other, newPassword: "dora-new-password" })),
      ).toEqual({
        code: Code.InvalidArgument,
        message: "This password reset link is not valid. Please ask for a new one.",
      });
    }
    await identity.login({ email: "dora@example.com", password: "first-password" });
  });
});

describe("RequestPasswordReset per client and per address", () => {
  let limitedFn: RunningIdentity;
  beforeAll(async () => {
    const resetLimits = { burst: 2, refillSeconds: 300, maxAddresses: 10 };
    limitedFn = await startIdentity({ settings: { resetLimits }, deps: { now: () => clock } });
  }, 120_000);
  afterAll(() => limitedFn.close());

  it("refuses a third request for one address, or from one client, existing account or not", async () => {
    const limited = await testClient(limitedFn, IdentityService);
    const from = (address: string) => ({ headers: { "x-shop-client-address": address } });
    const tooMany = {
      code: Code.ResourceExhausted,
      message: "Too many password reset requests; try again in 300 seconds.",
    };
    await limited.register({ email: "eve@example.com", password: "eve-password" });
    // One address, asked for from different clients.
    for (const client of ["203.0.113.1", "203.0.113.2"]) {
      await limited.requestPasswordReset({ email: "eve@example.com" }, from(client));
    }
    expect(
      await refusal(limited.requestPasswordReset({ email: "eve@example.com" }, from("203.0.113.3"))),
    ).toEqual(tooMany);
    // One client, asking for different (unknown) addresses: the same refusal.
    for (const email of ["x1@example.com", "x2@example.com"]) {
      await limited.requestPasswordReset({ email }, from("198.51.100.9"));
    }
    expect(
      await refusal(limited.requestPasswordReset({ email: "x3@example.com" }, from("198.51.100.9"))),
    ).toEqual(tooMany);
    later(300);
    await limited.requestPasswordReset({ email: "eve@example.com" }, from("203.0.113.4"));
  });
});
