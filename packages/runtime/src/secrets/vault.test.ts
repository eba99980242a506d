import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JWKS_PATH, keyFromSeed, SIGNING_KEY_PATH } from "../auth/keys.ts";
import {
  captureLogs,
  POLICIES_DIR,
  provisionFunction,
  putSigningKey,
  startVaultDouble,
  type VaultTarget,
  vaultForTests,
  waitFor,
} from "../testing/index.ts";
import { createSecretStore, type VaultStoreOptions, vaultOptionsFromEnv, vaultSecretStore } from "./index.ts";

// Against the double, or a real Vault when SHOP_TEST_VAULT_ADDR/SHOP_TEST_VAULT_TOKEN are set (README).
let vault: VaultTarget;
const stores: { close(): Promise<void> }[] = [];
const ordersPassword = "orders-pw-for-tests";
const ordersDatabaseUrl = `postgres://orders:${ordersPassword}@db:5432/shop`;

beforeAll(async () => {
  vault = await vaultForTests();
  await putSigningKey(vault, keyFromSeed("vault test key", "k-1"));
  await vault.put("shop/orders/database", { url: ordersDatabaseUrl });
});
afterAll(async () => {
  for (const store of stores) await store.close();
  await vault.close();
});

/** A store logged in as function `name` (its cluster policy, an AppRole), logging into `lines`. */
async function storeFor(name: string, options: Partial<VaultStoreOptions> & { ttl?: number } = {}) {
  const env = await provisionFunction(
    vault,
    name,
    options.ttl ? { ttl: options.ttl, maxTtl: options.ttl * 2 } : {},
  );
  const logs = captureLogs(name);
  const store = vaultSecretStore({
    ...vaultOptionsFromEnv(env, logs.logger),
    retryMs: 50,
    maxRetryMs: 200,
    ...options,
  });
  stores.push(store);
  return { store, logs, env };
}

// Nothing a log line says may contain a credential or a secret value.
function expectNoSecrets(lines: string[], secrets: string[]) {
  const text = lines.join("\n");
  for (const secret of secrets.filter((s) => s.length >= 8)) expect(text).not.toContain(secret);
}

describe("Vault secret store", () => {
  it("logs in with AppRole and reads its own secrets and the public keys, nothing else", async () => {
    const { store, logs, env } = await storeFor("orders");
    expect(store.ready()).toBe(false);
    await store.load();
    expect(store.ready()).toBe(true);
    expect(await store.read("shop/orders/database")).toEqual({ url: ordersDatabaseUrl });
    expect(JSON.parse((await store.read(JWKS_PATH))?.jwks ?? "{}").keys[0].kid).toBe("k-1");
    expect(await store.read("shop/orders/nothing-here")).toBeUndefined();
    await expect(store.read(SIGNING_KEY_PATH)).rejects.toThrow(
      /shop\/identity\/jwt.*HTTP 403: permission denied/,
    );
    expect(store.describe()).toMatch(
      /^Vault at http:\/\/127\.0\.0\.1:\d+ \(KV v2 mount "shop", approle login\)$/,
    );
    expectNoSecrets(logs.lines(), [env.VAULT_SECRET_ID ?? "", ordersPassword]);
  });

  it("renews its token before it expires, and logs in again once the renewal is capped", async () => {
    const { store, logs } = await storeFor("catalog", { ttl: 2 });
    await store.load();
    await waitFor(() => logs.lines().some((line) => line.includes("Vault token renewed")), {
      message: "a renewal",
    });
    // Past the max TTL (4 s) the token is a new one, and reads still work.
    await new Promise((resolve) => setTimeout(resolve, 4_500));
    expect(store.ready()).toBe(true);
    await expect(store.read(JWKS_PATH, { fresh: true })).resolves.toHaveProperty("jwks");
  }, 20_000);

  it("serves a cached value until it is stale, a fresh read, or a reload (the rotation signal)", async () => {
    await vault.put("shop/promotions/coupon-signing", { value: "v1" });
    const { store } = await storeFor("promotions", { freshAfterMs: 0 });
    expect(await store.read("shop/promotions/coupon-signing")).toEqual({ value: "v1" });
    await vault.put("shop/promotions/coupon-signing", { value: "v2" });
    expect(await store.read("shop/promotions/coupon-signing")).toEqual({ value: "v1" });
    expect(await store.read("shop/promotions/coupon-signing", { fresh: true })).toEqual({ value: "v2" });
    await vault.put("shop/promotions/coupon-signing", { value: "v3" });
    store.reload();
    expect(await store.read("shop/promotions/coupon-signing")).toEqual({ value: "v3" });
  });

  it("goes not ready with one clear log line while Vault is down, and ready again once it is back", async () => {
    const { store, logs } = await storeFor("inventory", { ttl: 1 });
    await store.load();
    const before = await store.read(JWKS_PATH);
    await vault.down();
    try {
      await waitFor(() => !store.ready(), { message: "not ready" });
      // Many retries, one line; work in hand keeps the last value read.
      await new Promise((resolve) => setTimeout(resolve, 600));
      const problems = logs.lines().filter((line) => line.includes("cannot get secrets"));
      expect(problems).toHaveLength(1);
      expect(JSON.parse(problems[0] ?? "{}").msg).toMatch(
        /^cannot get secrets from Vault at .*: .*(ECONNREFUSED|ECONNRESET).*\. The function is not ready and keeps trying\.$/,
      );
      expect(await store.read(JWKS_PATH, { fresh: true })).toEqual(before);
    } finally {
      await vault.up();
    }
    await waitFor(() => store.ready(), { message: "ready again" });
    expect(logs.lines().some((line) => line.includes("Vault answers again"))).toBe(true);
  }, 20_000);

  it("waits at load while Vault refuses the login, saying why once and never the credentials", async () => {
    const env = await provisionFunction(vault, "payments");
    const logs = captureLogs("payments");
    const store = vaultSecretStore({
      ...vaultOptionsFromEnv({ ...env, VAULT_SECRET_ID: "not-the-secret-id-0000" }, logs.logger),
      retryMs: 20,
      maxRetryMs: 40,
    });
    const loading = store.load();
    await waitFor(() => logs.lines().length > 0, { message: "a log line" });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(store.ready()).toBe(false);
    expect(logs.lines()).toHaveLength(1);
    expect(logs.lines()[0]).toMatch(/HTTP 400: invalid role or secret ID/);
    expectNoSecrets(logs.lines(), ["not-the-secret-id-0000", env.VAULT_ROLE_ID ?? ""]);
    await store.close();
    await loading;
  });
});

describe("Vault secret store against the double only", () => {
  it("logs in with Kubernetes auth from the service-account token file", async () => {
    const double = await startVaultDouble();
    const tokenPath = join(await mkdtemp(join(tmpdir(), "sa-")), "token");
    await writeFile(tokenPath, "eyJhbGciOiJSUzI1NiJ9.service-account.jwt\n");
    double.putPolicy("shop-identity", await readFile(new URL("identity.hcl", POLICIES_DIR), "utf8"));
    double.put(JWKS_PATH, { jwks: '{"keys":[]}' });
    double.addKubernetesRole("identity", "eyJhbGciOiJSUzI1NiJ9.service-account.jwt", ["shop-identity"]);
    double.put("shop/identity/admin", { email: "root@shop.example", password: "k8s-admin-password" });
    const logs = captureLogs("identity");
    const store = createSecretStore(
      { VAULT_ADDR: double.url, VAULT_ROLE: "identity", VAULT_K8S_TOKEN_PATH: tokenPath },
      logs.logger,
    );
    try {
      expect(store.describe()).toContain("kubernetes login as role identity");
      await expect(store.read("shop/identity/admin")).resolves.toMatchObject({ email: "root@shop.example" });
      expectNoSecrets(logs.lines(), double.seenSecrets());
    } finally {
      await store.close?.();
      await double.close();
    }
  });

  it("answers like Vault: sealed 503, unknown route 404 with an error, missing secret 404 without", async () => {
    const double = await startVaultDouble();
    const call = async (path: string, token = double.rootToken) => {
      const response = await fetch(`${double.url}/v1/${path}`, { headers: { "x-vault-token": token } });
      return [response.status, await response.json()];
    };
    try {
      expect(await call("shop/data/none")).toEqual([404, { errors: [] }]);
      expect(await call("shop/data/none", "hvs.made-up")).toEqual([403, { errors: ["permission denied"] }]);
      expect((await call("kv/data/x"))[0]).toBe(404);
      double.put("shop/jwks", { jwks: "{}" });
      double.put("shop/jwks", { jwks: '{"keys":[]}' });
      const [status, body] = await call("shop/data/jwks");
      expect(status).toBe(200);
      expect(body).toMatchObject({
        data: {
          data: { jwks: '{"keys":[]}' },
          metadata: { version: 2, destroyed: false, deletion_time: "" },
        },
        lease_duration: 0,
        mount_type: "kv",
      });
      double.seal(true);
      expect(await call("shop/data/jwks")).toEqual([503, { errors: ["Vault is sealed"] }]);
    } finally {
      await double.close();
    }
  });

  it("is chosen by VAULT_ADDR; without it the function says it uses generated dev secrets", () => {
    expect(createSecretStore({}).describe()).toMatch(/generated dev secrets/);
    expect(() => createSecretStore({ VAULT_ADDR: "http://127.0.0.1:1" })).toThrow(
      /VAULT_ROLE \(Kubernetes auth\), VAULT_ROLE_ID and VAULT_SECRET_ID \(AppRole\) or VAULT_TOKEN/,
    );
    expect(createSecretStore({ VAULT_ADDR: "http://127.0.0.1:1", VAULT_TOKEN: "hvs.x" }).describe()).toBe(
      'Vault at http://127.0.0.1:1 (KV v2 mount "shop", token login)',
    );
  });
});

describe("Vault secret store writes", () => {
  it("writes a secret where its policy grants it (webhooks' endpoint secrets), reads it back, and is refused elsewhere", async () => {
    const { store, logs } = await storeFor("webhooks");
    const value = { secret: "whsec_c2lnbmluZyBzZWNyZXQgZm9yIHRlc3Rz", version: "1" };
    await store.write("shop/webhooks/endpoints/e-1", value);
    expect(await store.read("shop/webhooks/endpoints/e-1")).toEqual(value);
    // Another store (another replica) reads what was written, from Vault itself.
    const { store: replica } = await storeFor("webhooks");
    expect(await replica.read("shop/webhooks/endpoints/e-1")).toEqual(value);
    await store.write("shop/webhooks/endpoints/e-1", { ...value, version: "2" });
    expect((await replica.read("shop/webhooks/endpoints/e-1", { fresh: true }))?.version).toBe("2");
    await expect(store.write("shop/orders/database", { url: "postgres://evil" })).rejects.toThrow(
      /cannot write the secret shop\/orders\/database to Vault at .*permission denied/,
    );
    expectNoSecrets(logs.lines(), [value.secret]);
  });
});
