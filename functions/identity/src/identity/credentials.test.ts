/**
 * Credential changes end the account's sessions, and only its own: a customer's new password, and the
 * admin bootstrap promoting an account whose password proves it is the operator's.
 */
import { type Client, Code, ConnectError } from "@connectrpc/connect";
import { testClient } from "@shop/runtime/testing";
import { IdentityService, Role } from "@shop/schemas/identity/v1/identity";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { users } from "../db/schema.ts";
import { noAddressLimit, type RunningIdentity, startIdentity } from "../test-support.ts";
import { setPasswordHash } from "./credentials.ts";
import { ensureAdmin } from "./ensure-admin.ts";

let fn: RunningIdentity;
let identity: Client<typeof IdentityService>;

beforeAll(async () => {
  fn = await startIdentity({ deps: { addressLimiter: noAddressLimit } });
  identity = await testClient(fn, IdentityService);
}, 120_000);
afterAll(() => fn.close());

const refused = (call: Promise<unknown>) =>
  call.then(
    () => "accepted",
    (e: unknown) => (e instanceof ConnectError ? Code[e.code] : String(e)),
  );

async function session(email: string, password: string) {
  const { user } = await identity.register({ email, password });
  const { tokens } = await identity.login({ email, password });
  return { userId: user?.id ?? "", refresh: tokens?.refreshToken ?? "", access: tokens?.accessToken ?? "" };
}

const me = (access: string) => identity.me({}, { headers: { authorization: `Bearer ${access}` } });

describe("credential changes", () => {
  it("a customer's new password refuses the refresh and access tokens from before, not others'", async () => {
    const erin = await session("erin@credentials.test", "erin's old password");
    const finn = await session("finn@credentials.test", "finn's password");
    const hash = await fn.deps.passwords.hash("erin's new password");
    await fn.app.transaction((tx) => setPasswordHash(tx, erin.userId, hash, new Date()));
    expect(await refused(identity.refresh({ refreshToken: erin.refresh }))).toBe("Unauthenticated");
    expect(await refused(me(erin.access))).toBe("Unauthenticated");
    expect(await refused(identity.refresh({ refreshToken: finn.refresh }))).toBe("accepted");
    expect(
      await refused(identity.login({ email: "erin@credentials.test", password: "erin's new password" })),
    ).toBe("accepted");
  });

  it("start-up promotes an account it did not create only when its password is the admin secret's", async () => {
    const operator = await session("root@credentials.test", "the admin secret's password");
    const secret = { email: "root@credentials.test", password: "the admin secret's password" };
    expect(await fn.app.transaction((tx) => ensureAdmin(tx, secret, fn.deps))).toBe("promoted");
    // A role change ends the sessions opened as a customer too.
    expect(await refused(identity.refresh({ refreshToken: operator.refresh }))).toBe("Unauthenticated");
    const [row] = await fn.app.db.select().from(users).where(eq(users.id, operator.userId));
    expect(row?.role).toBe("admin");
    expect(await fn.app.transaction((tx) => ensureAdmin(tx, secret, fn.deps))).toBe("unchanged");

    const squatter = await session("chief@credentials.test", "the squatter's password");
    const other = { email: "chief@credentials.test", password: "the operator's password" };
    expect(await fn.app.transaction((tx) => ensureAdmin(tx, other, fn.deps))).toBe("not-promoted");
    expect((await me(squatter.access)).user?.role).toBe(Role.CUSTOMER);
  });
});
