/**
 * Attacks on logins and sessions (issue 15, items 3 and 4), over HTTP against identity as it runs
 * behind one proxy (as a function process behind the local gateway: SHOP_TRUSTED_PROXY_HOPS=1; on
 * Knative 3). The client here plays the proxy: it appends the address it "saw" to X-Forwarded-For.
 *
 * - One address spraying passwords runs out of its own budget; another address still logs in, and a
 *   forged left-hand X-Forwarded-For entry does not lend the attacker the victim's budget.
 * - Many addresses guessing one account lock that account all the same (its lockout does not need
 *   the per-address budget).
 * - A rotated admin password ends the sessions opened with the old one: refresh and access token.
 * - An account registered under the address later configured as the admin's is not promoted.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { shopFunction } from "@shop/platform";
import { envSecretStore, type RunningFunction } from "@shop/runtime";
import { captureLogs, startForTest, waitFor } from "@shop/runtime/testing";
import { IdentityService, Role } from "@shop/schemas/identity/v1/identity";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ADMIN_EMAIL = "ops@login-attacks.test";
// The admin secret as the operator sets it; a real restart of identity reads it again.
const env: Record<string, string> = {};
const setAdmin = (email: string, password: string) => {
  env.SHOP_SECRET_IDENTITY_ADMIN = JSON.stringify({ email, password });
};
const secrets = envSecretStore(env);
const logs = captureLogs("identity");
let dataDir: string;
let fn: RunningFunction;

async function startIdentity() {
  fn = await startForTest(shopFunction("identity"), {
    secrets,
    logger: logs.logger,
    listen: true,
    config: { port: 0, trustedProxyHops: 1, database: { kind: "pglite", dataDir } },
    settings: { passwordCost: { N: 2 ** 10, r: 8, p: 1 } },
  });
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "shop-login-attacks-"));
  setAdmin(ADMIN_EMAIL, "first admin password");
  await startIdentity();
}, 120_000);
afterAll(async () => {
  await fn?.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** identity as seen from `address` (the X-Forwarded-For entry the trusted proxy appended). */
const from = (address: string, forged?: string) =>
  createClient(
    IdentityService,
    createConnectTransport({
      baseUrl: fn.url ?? "",
      httpVersion: "1.1",
      interceptors: [
        (next) => (req) => {
          req.header.set("x-forwarded-for", forged ? `${forged}, ${address}` : address);
          return next(req);
        },
      ],
    }),
  );

async function refusal(call: Promise<unknown>): Promise<{ code: Code; message: string }> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectError);
  return { code: (error as ConnectError).code, message: (error as ConnectError).rawMessage };
}

describe("login and session attacks", { timeout: 90_000 }, () => {
  it("one address spraying passwords cannot stop another address from logging in", async () => {
    await from("198.51.100.7").register({ email: "bea@login-attacks.test", password: "bea's password" });
    const attacker = from("203.0.113.66");
    // Its whole budget of failures (20), over many accounts, so no account's own lockout is reached.
    for (let i = 0; i < 20; i++) {
      const refused = await refusal(attacker.login({ email: `nobody-${i}@x.test`, password: "guess" }));
      expect(refused.code).toBe(Code.Unauthenticated);
    }
    const spent = await refusal(
      attacker.login({ email: "bea@login-attacks.test", password: "bea's password" }),
    );
    expect(spent).toMatchObject({ code: Code.ResourceExhausted, message: expect.stringMatching(/network/) });
    // Writing the victim's address into X-Forwarded-For itself does not help: it is read right to left.
    const forged = from("203.0.113.66", "198.51.100.7");
    const stillSpent = await refusal(forged.login({ email: "bea@login-attacks.test", password: "x" }));
    expect(stillSpent.message).toMatch(/network/);
    const { user } = await from("198.51.100.7").login({
      email: "bea@login-attacks.test",
      password: "bea's password",
    });
    expect(user?.email).toBe("bea@login-attacks.test");
  });

  it("guesses at one account from many addresses still lock that account", async () => {
    await from("198.51.100.8").register({ email: "carl@login-attacks.test", password: "carl's password" });
    // Each address fails once: no address runs out of budget, the account's lockout counts them all.
    for (let i = 0; i < 6; i++) {
      await refusal(from(`192.0.2.${i + 1}`).login({ email: "carl@login-attacks.test", password: "guess" }));
    }
    const locked = await refusal(
      from("192.0.2.99").login({ email: "carl@login-attacks.test", password: "carl's password" }),
    );
    expect(locked).toMatchObject({
      code: Code.ResourceExhausted,
      message: expect.stringMatching(/attempts/),
    });
  });

  it("a rotated admin password ends the old sessions; a squatted admin email is not promoted", async () => {
    // A new client after each restart: the restarted identity listens on a new port.
    const client = () => from("198.51.100.9");
    const before = await client().login({ email: ADMIN_EMAIL, password: "first admin password" });
    const customer = await client().register({
      email: "dora@login-attacks.test",
      password: "dora's password",
    });
    const dora = await client().login({ email: "dora@login-attacks.test", password: "dora's password" });
    // Someone registers the address the operator will name as the admin's next.
    const squat = "boss@login-attacks.test";
    await client().register({ email: squat, password: "squatter's password" });
    const squatter = await client().login({ email: squat, password: "squatter's password" });

    // The operator rotates the admin password; identity restarts and reads it.
    await fn.close();
    setAdmin(ADMIN_EMAIL, "second admin password");
    await startIdentity();
    expect((await refusal(client().refresh({ refreshToken: before.tokens?.refreshToken ?? "" }))).code).toBe(
      Code.Unauthenticated,
    );
    const me = (token: string) =>
      client()
        .me({}, { headers: { authorization: `Bearer ${token}` } })
        .then((r) => r.user);
    expect((await refusal(me(before.tokens?.accessToken ?? ""))).code).toBe(Code.Unauthenticated);
    expect(
      (await refusal(client().login({ email: ADMIN_EMAIL, password: "first admin password" }))).code,
    ).toBe(Code.Unauthenticated);
    const after = await client().login({ email: ADMIN_EMAIL, password: "second admin password" });
    expect((await me(after.tokens?.accessToken ?? ""))?.role).toBe(Role.ADMIN);
    // Other accounts keep their sessions.
    expect((await client().refresh({ refreshToken: dora.tokens?.refreshToken ?? "" })).tokens).toBeDefined();
    expect(customer.user?.role).toBe(Role.CUSTOMER);

    // The operator names the squatted email as the admin's: identity does not make it admin.
    await fn.close();
    setAdmin(squat, "the operator's password");
    await startIdentity();
    await waitFor(() => logs.lines().some((line) => line.includes('"change":"not-promoted"')), {
      message: "the not-promoted error line",
    });
    const renewed = await client().refresh({ refreshToken: squatter.tokens?.refreshToken ?? "" });
    expect(decodeJwt(renewed.tokens?.accessToken ?? "").role).toBe("customer");
    expect((await me(renewed.tokens?.accessToken ?? ""))?.role).toBe(Role.CUSTOMER);
  });
});
