/**
 * No dev secret outside development (issue 15, item 5), over HTTP: a function started on Vault (the
 * repo's Vault double) or with NODE_ENV=production, whose secret is missing, stays alive and not
 * ready, says once which secret is missing, and serves nothing; it never falls back to the public dev
 * value (identity's admin `admin@shop.test` / `shop-admin-dev`, payments' provider key). Once the
 * secret is set it starts, with that value.
 */
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { freePort, shopFunction } from "@shop/platform";
import {
  envSecretStore,
  keyFromSeed,
  publicJwk,
  type RunningFunction,
  type SecretStore,
  vaultOptionsFromEnv,
  vaultSecretStore,
} from "@shop/runtime";
import {
  captureLogs,
  provisionFunction,
  putSigningKey,
  startForTest,
  type VaultTarget,
  vaultForTests,
  waitFor,
} from "@shop/runtime/testing";
import { IdentityService } from "@shop/schemas/identity/v1/identity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const key = keyFromSeed("production secrets test key", "k-prod");
const ADMIN = { email: "ops@prod.test", password: "the real admin password" };
let vault: VaultTarget;

beforeAll(async () => {
  vault = await vaultForTests();
  await putSigningKey(vault, key);
});
afterAll(() => vault.close());

/**
 * Starts `name` on `secrets` without waiting for it; returns its base URL, the start, and its logs.
 */
async function startWaiting(name: string, secrets: SecretStore, env: NodeJS.ProcessEnv = {}) {
  const logs = captureLogs(name);
  const port = await freePort();
  const started = startForTest(shopFunction(name), {
    secrets,
    env,
    logger: logs.logger,
    listen: true,
    config: { port },
    settings: name === "identity" ? { passwordCost: { N: 2 ** 10, r: 8, p: 1 } } : {},
  });
  return { base: `http://127.0.0.1:${port}`, started, logs };
}

async function expectWaitingFor(secret: string, run: Awaited<ReturnType<typeof startWaiting>>) {
  const { base, logs } = run;
  const missingLines = () => logs.lines().filter((line) => line.includes("is missing"));
  await waitFor(() => missingLines().length > 0, { message: `the line about ${secret}` });
  // Alive (no restart loop), not ready, serving no RPC.
  expect((await fetch(`${base}/health/liveness`)).status).toBe(200);
  expect((await fetch(`${base}/health/readiness`)).status).toBe(503);
  const login = await fetch(`${base}/shop.identity.v1.IdentityService/Login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "admin@shop.test", password: "shop-admin-dev" }),
  });
  expect(login.status).toBe(503);
  const [line, ...more] = missingLines();
  expect(more).toEqual([]);
  expect(JSON.parse(line ?? "{}")).toMatchObject({ level: 50, missing: [secret] });
  expect(JSON.parse(line ?? "{}").msg).toContain(`secret ${secret} is missing`);
}

async function identityLogins(fn: RunningFunction) {
  const client = createClient(
    IdentityService,
    createConnectTransport({ baseUrl: fn.url ?? "", httpVersion: "1.1" }),
  );
  const dev = await client.login({ email: "admin@shop.test", password: "shop-admin-dev" }).then(
    () => "accepted",
    () => "refused",
  );
  const real = await client.login(ADMIN).then((r) => r.user?.email);
  return { dev, real };
}

describe("a production start without its secret", { timeout: 90_000 }, () => {
  it("identity on Vault waits not ready for shop/identity/admin, then starts with it, never the dev admin", async () => {
    const env = await provisionFunction(vault, "identity");
    const store = vaultSecretStore({ ...vaultOptionsFromEnv(env), retryMs: 50, maxRetryMs: 200 });
    const run = await startWaiting("identity", store, env);
    try {
      await expectWaitingFor("shop/identity/admin", run);
      await vault.put("shop/identity/admin", ADMIN);
      const fn = await run.started;
      expect((await fetch(`${run.base}/health/readiness`)).status).toBe(200);
      expect(await identityLogins(fn)).toEqual({ dev: "refused", real: ADMIN.email });
      await fn.close();
    } finally {
      await store.close();
    }
  });

  it("payments on Vault waits not ready for its provider key", async () => {
    const env = await provisionFunction(vault, "payments");
    const store = vaultSecretStore({ ...vaultOptionsFromEnv(env), retryMs: 50, maxRetryMs: 200 });
    const run = await startWaiting("payments", store, env);
    try {
      await expectWaitingFor("shop/payments/provider", run);
      await vault.put("shop/payments/provider", { apiKey: "provider key from vault" });
      const fn = await run.started;
      expect(await fn.app.secrets.read("shop/payments/provider")).toEqual({
        apiKey: "provider key from vault",
      });
      await fn.close();
    } finally {
      await store.close();
    }
  });

  it("identity with NODE_ENV=production and no Vault uses no dev value either", async () => {
    const env: Record<string, string> = {
      NODE_ENV: "production",
      SHOP_SECRET_IDENTITY_JWT: JSON.stringify({ kid: key.kid, privateJwk: JSON.stringify(key.privateJwk) }),
      SHOP_SECRET_JWKS: JSON.stringify({ jwks: JSON.stringify({ keys: [publicJwk(key)] }) }),
    };
    const run = await startWaiting("identity", envSecretStore(env), env);
    await expectWaitingFor("shop/identity/admin", run);
    env.SHOP_SECRET_IDENTITY_ADMIN = JSON.stringify(ADMIN);
    const fn = await run.started;
    expect(await identityLogins(fn)).toEqual({ dev: "refused", real: ADMIN.email });
    await fn.close();
  });
});
