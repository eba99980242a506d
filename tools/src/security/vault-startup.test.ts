/**
 * Every function starts on its secrets from Vault (the double, or a real Vault: README "Secrets"),
 * with its own policy: secrets loaded, token renewed, a rotated signing key accepted without a restart,
 * and Vault down → not ready with one clear log line and no secret printed.
 */

import { type AddressInfo, createServer } from "node:net";
import { functionNames, shopFunction } from "@shop/platform";
import {
  createTokenSigner,
  createTokenVerifier,
  keyFromSeed,
  type Principal,
  type RunningFunction,
  type SecretStore,
  type SigningKey,
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
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const firstKey = keyFromSeed("startup test key", "k-start");
const secretValues = [
  "startup-admin-password",
  "provider-key-for-startup-tests",
  "smtp-password-for-startup-tests",
  String(firstKey.privateJwk.d),
];
let vault: VaultTarget;

beforeAll(async () => {
  vault = await vaultForTests();
  await putSigningKey(vault, firstKey);
  await vault.put("shop/identity/admin", { email: "ops@shop.example", password: "startup-admin-password" });
  await vault.put("shop/payments/provider", { apiKey: "provider-key-for-startup-tests" });
  await vault.put("shop/notifications/smtp", {
    host: "127.0.0.1",
    port: "2525",
    user: "shop",
    password: "smtp-password-for-startup-tests",
    from: "Shop <shop@shop.example>",
  });
});
afterAll(() => vault.close());

async function start(
  name: string,
  env: Record<string, string>,
  logs: ReturnType<typeof captureLogs>,
  port = 0,
) {
  const store = vaultSecretStore({ ...vaultOptionsFromEnv(env, logs.logger), retryMs: 50, maxRetryMs: 200 });
  const fn = await startForTest(shopFunction(name), {
    secrets: store,
    logger: logs.logger,
    listen: true,
    config: { port },
  });
  return { fn, store };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const readiness = async (fn: RunningFunction) => (await fetch(`${fn.url}/health/readiness`)).status;

function expectNoSecrets(lines: string[], more: string[]) {
  const text = lines.join("\n");
  for (const secret of [...secretValues, ...more]) expect(text).not.toContain(secret);
}

// What identity does with the key it reads from shop/identity/jwt (only identity's policy may read it).
async function signWith(key: SigningKey, principal: Principal) {
  const store: SecretStore = {
    describe: () => "one key",
    read: async () => ({ kid: key.kid, privateJwk: JSON.stringify(key.privateJwk) }),
  };
  return (await createTokenSigner(store).sign(principal, 60)).token;
}

describe("start-up on Vault", { timeout: 120_000 }, () => {
  it.each(functionNames)("%s", async (name) => {
    const env = await provisionFunction(vault, name, { ttl: 3, maxTtl: 60 });
    const logs = captureLogs(name);
    const { fn, store } = await start(name, env, logs);
    try {
      const started = logs.lines().find((line) => line.includes(`${name} started`)) ?? "";
      expect(JSON.parse(started).secrets).toMatch(/^Vault at http:.* \(KV v2 mount "shop", approle login\)$/);
      await waitFor(async () => (await readiness(fn)) === 200, { message: "ready" });
      await waitFor(() => logs.lines().some((line) => line.includes("Vault token renewed")), {
        message: "a token renewal",
      });

      // A key rotated in Vault: tokens it signs are accepted by this running function, old ones still.
      const verifier = createTokenVerifier(fn.app.secrets);
      const oldToken = await signWith(firstKey, { userId: "u-1", role: "customer" });
      const rotated = keyFromSeed(`rotated for ${name}`, `k-${name}`);
      await putSigningKey(vault, rotated, [rotated, firstKey]);
      const newToken = await signWith(rotated, { userId: "u-2", role: "admin" });
      await expect(verifier.verify(newToken)).resolves.toEqual({ userId: "u-2", role: "admin" });
      await expect(verifier.verify(oldToken)).resolves.toMatchObject({ userId: "u-1" });

      // Vault goes away: one clear line, not ready, nothing secret printed; back: ready again.
      const before = logs.lines().length;
      await vault.down();
      try {
        await waitFor(async () => (await readiness(fn)) === 503, { message: "not ready" });
        const problemLines = () =>
          logs
            .lines()
            .slice(before)
            .filter((line) => line.includes("cannot get secrets"));
        await waitFor(() => problemLines().length > 0, { message: "the log line" });
        // Retries go on; the line is not repeated.
        await new Promise((resolve) => setTimeout(resolve, 500));
        const problems = problemLines();
        expect(problems).toHaveLength(1);
        expect(JSON.parse(problems[0] ?? "{}").msg).toMatch(
          /: .*(ECONNREFUSED|ECONNRESET).*\. The function is not ready/,
        );
      } finally {
        await vault.up();
      }
      await waitFor(async () => (await readiness(fn)) === 200, { message: "ready again" });
      expectNoSecrets(logs.lines(), [env.VAULT_SECRET_ID ?? "", String(rotated.privateJwk.d)]);
    } finally {
      await fn.close();
      await store.close();
    }
  });

  it("a function whose Vault is down at start waits, says so once, and starts when Vault is back", async () => {
    const env = await provisionFunction(vault, "catalog");
    const logs = captureLogs("catalog");
    await vault.down();
    let running: Awaited<ReturnType<typeof start>> | undefined;
    const port = await freePort();
    const starting = start("catalog", env, logs, port).then((started) => {
      running = started;
    });
    try {
      await waitFor(() => logs.lines().length > 0, { message: "the log line" });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(running).toBeUndefined();
      // Alive (no restart loop), not ready, serving nothing yet.
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/health/liveness`)).status).toBe(200);
      expect((await fetch(`${base}/health/readiness`)).status).toBe(503);
      expect(
        (await fetch(`${base}/shop.catalog.v1.CatalogService/ListProducts`, { method: "POST" })).status,
      ).toBe(503);
      expect(logs.lines(), logs.lines().join("\n")).toHaveLength(1);
      expect(JSON.parse(logs.lines()[0] ?? "{}")).toMatchObject({ level: 50, vault: vault.url });
    } finally {
      await vault.up();
    }
    await starting;
    expect(await readiness(running!.fn)).toBe(200);
    await running?.fn.close();
    await running?.store.close();
    expectNoSecrets(logs.lines(), [env.VAULT_SECRET_ID ?? ""]);
  });
});
