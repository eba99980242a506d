import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { envSecretStore } from "../config.ts";
import { captureLogs, provisionFunction, type VaultTarget, vaultForTests } from "../testing/index.ts";
import {
  NOTIFICATION_TOKEN_KEY,
  openNotificationToken,
  openPaymentToken,
  PAYMENT_TOKEN_KEY,
  sealNotificationToken,
  sealPaymentToken,
  UnreadableCiphertextError,
} from "./transit.ts";
import { vaultSecretStore } from "./vault.ts";
import { vaultOptionsFromEnv } from "./vault-options.ts";

// Against the double, or a real Vault when SHOP_TEST_VAULT_ADDR/SHOP_TEST_VAULT_TOKEN are set (README).
let vault: VaultTarget;
const stores: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  vault = await vaultForTests();
  await vault.addTransitKey(PAYMENT_TOKEN_KEY);
  await vault.addTransitKey(NOTIFICATION_TOKEN_KEY);
});
afterAll(async () => {
  for (const store of stores) await store.close();
  await vault.close();
});

/** A store logged in as function `name` with its cluster policy (infra/cluster/vault/policies). */
async function storeFor(name: string) {
  const logs = captureLogs(name);
  const store = vaultSecretStore({
    ...vaultOptionsFromEnv(await provisionFunction(vault, name), logs.logger),
  });
  stores.push(store);
  return { store, logs };
}

describe("payment tokens sealed with Vault Transit", () => {
  it("orders seals, payments opens, for the order it was sealed for only", async () => {
    const orders = await storeFor("orders");
    const payments = await storeFor("payments");
    const sealed = await sealPaymentToken(orders.store, "tok_visa", "order-1");
    expect(sealed).toMatch(/^vault:v1:/);
    expect(Buffer.from(sealed.slice(9), "base64").toString("latin1")).not.toContain("tok_visa");
    await expect(openPaymentToken(payments.store, sealed, "order-1")).resolves.toBe("tok_visa");
    // Copied into another order's event it opens for nobody.
    await expect(openPaymentToken(payments.store, sealed, "order-2")).rejects.toThrow(
      UnreadableCiphertextError,
    );
    // Every sealing is new (a fresh nonce): equal tokens do not show as equal ciphertexts.
    expect(await sealPaymentToken(orders.store, "tok_visa", "order-1")).not.toBe(sealed);
    for (const { logs } of [orders, payments]) expect(logs.lines().join("\n")).not.toContain("tok_visa");
  });

  it("no policy but payments' may open one: orders, promotions and inventory are refused", async () => {
    const sealed = await sealPaymentToken((await storeFor("orders")).store, "tok_visa", "order-3");
    for (const name of [
      "orders",
      "promotions",
      "inventory",
      "catalog",
      "identity",
      "redrive",
      "shipping",
      "webhooks",
    ]) {
      const { store } = await storeFor(name);
      const opened = openPaymentToken(store, sealed, "order-3");
      await expect(opened, name).rejects.toThrow(/cannot decrypt .*HTTP 403/);
    }
  });

  it("only orders may seal (the other steps pass the sealed token on as they got it)", async () => {
    for (const name of ["promotions", "inventory", "payments"]) {
      const { store } = await storeFor(name);
      await expect(sealPaymentToken(store, "tok_visa", "order-4"), name).rejects.toThrow(
        /cannot encrypt .*HTTP 403/,
      );
    }
  });

  it("the local secret store seals the same way with the dev Transit key, and refuses a foreign ciphertext", async () => {
    const local = envSecretStore({});
    const sealed = await sealPaymentToken(local, "tok_visa", "order-5");
    await expect(openPaymentToken(envSecretStore({}), sealed, "order-5")).resolves.toBe("tok_visa");
    const vaultSealed = await sealPaymentToken((await storeFor("orders")).store, "tok_visa", "order-5");
    await expect(openPaymentToken(local, vaultSealed, "order-5")).rejects.toThrow(UnreadableCiphertextError);
    await expect(openPaymentToken(local, "tok_visa", "order-5")).rejects.toThrow(UnreadableCiphertextError);
  });
});

describe("link tokens sealed for notifications", () => {
  it("identity seals, notifications opens, for the user it was sealed for only; nobody else opens", async () => {
    const sealed = await sealNotificationToken((await storeFor("identity")).store, "link-token", "user-1");
    expect(sealed).toMatch(/^vault:v1:/);
    const notifications = await storeFor("notifications");
    await expect(openNotificationToken(notifications.store, sealed, "user-1")).resolves.toBe("link-token");
    await expect(openNotificationToken(notifications.store, sealed, "user-2")).rejects.toThrow(
      UnreadableCiphertextError,
    );
    for (const name of ["identity", "orders", "payments"]) {
      const { store } = await storeFor(name);
      await expect(openNotificationToken(store, sealed, "user-1"), name).rejects.toThrow(
        /cannot decrypt .*HTTP 403/,
      );
    }
    await expect(sealNotificationToken(notifications.store, "link-token", "user-1")).rejects.toThrow(
      /cannot encrypt .*HTTP 403/,
    );
  });

  it("the local secret store seals and opens them with the dev Transit key", async () => {
    const sealed = await sealNotificationToken(envSecretStore({}), "link-token", "user-3");
    await expect(openNotificationToken(envSecretStore({}), sealed, "user-3")).resolves.toBe("link-token");
  });
});
