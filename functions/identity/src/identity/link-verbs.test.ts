import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { emailTokens, users } from "../db/schema.ts";
import { CHEAP_PASSWORDS, noAddressLimit, type RunningIdentity, startIdentity } from "../test-support.ts";
import {
  createPasswordHasher,
  prepareAccount,
  register,
  requestPasswordReset,
  resetPassword,
  verifyEmail,
} from "./index.ts";
import type { LinkSealer } from "./link-tokens.ts";

vi.setConfig({ testTimeout: 30_000 });

let fn: RunningIdentity;
const clock = new Date("2030-06-01T00:00:00Z");
// A sealer that remembers the plain tokens it was given, so a verb test can use them as a mail would.
const sealedFor: { token: string; userId: string }[] = [];
const sealLinkToken: LinkSealer = async (token, userId) => {
  sealedFor.push({ token, userId });
  return `sealed:${userId}`;
};
const deps = {
  now: () => clock,
  sealLinkToken,
  resetLimiter: noAddressLimit,
  passwords: createPasswordHasher(CHEAP_PASSWORDS),
};

beforeAll(async () => {
  fn = await startIdentity();
}, 120_000);
afterAll(() => fn.close());

async function newUser(email: string): Promise<string> {
  const account = await prepareAccount({ email, password: "long-password" }, deps);
  return (await fn.app.transaction((tx) => register(tx, account, deps))).id;
}

describe("requestPasswordReset", () => {
  it("does the same sealing for an unknown address, and stores and emits nothing for it", async () => {
    const userId = await newUser("known@example.com");
    sealedFor.length = 0;
    await fn.app.transaction((tx) =>
      requestPasswordReset(tx, { email: "unknown@example.com", address: "" }, deps),
    );
    await fn.app.transaction((tx) =>
      requestPasswordReset(tx, { email: "known@example.com", address: "" }, deps),
    );
    expect(sealedFor).toHaveLength(2);
    expect(sealedFor[1]?.userId).toBe(userId);
    // The unknown address's token was sealed for an id no account has.
    expect(
      await fn.app.db
        .select()
        .from(users)
        .where(eq(users.id, sealedFor[0]?.userId ?? "")),
    ).toEqual([]);
    const rows = await fn.app.db.select().from(emailTokens).where(eq(emailTokens.purpose, "reset-password"));
    expect(rows.map((r) => r.userId)).toEqual([userId]);
  });
});

describe("link verbs", () => {
  it("verifyEmail and resetPassword each take their own purpose's token only", async () => {
    sealedFor.length = 0;
    const userId = await newUser("both@example.com");
    const verification = sealedFor[0]?.token ?? "";
    await fn.app.transaction((tx) =>
      requestPasswordReset(tx, { email: "both@example.com", address: "" }, deps),
    );
    const reset = sealedFor[1]?.token ?? "";
    await expect(
      fn.app.transaction((tx) => resetPassword(tx, { token: verification, passwordHash: "x" }, deps)),
    ).rejects.toThrow("This password reset link is not valid.");
    await expect(fn.app.transaction((tx) => verifyEmail(tx, { token: reset }, deps))).rejects.toThrow(
      "This verification link is not valid.",
    );
    expect((await fn.app.transaction((tx) => verifyEmail(tx, { token: verification }, deps))).id).toBe(
      userId,
    );
    await fn.app.transaction((tx) => resetPassword(tx, { token: reset, passwordHash: "new-hash" }, deps));
    const [row] = await fn.app.db.select().from(users).where(eq(users.id, userId));
    expect(row).toMatchObject({ passwordHash: "new-hash" });
    expect(row?.emailVerifiedAt).toEqual(clock);
  });
});
