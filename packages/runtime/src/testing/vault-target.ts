/**
 * The Vault the tests talk to: the in-repo double by default, or a real Vault when
 * `SHOP_TEST_VAULT_ADDR` and `SHOP_TEST_VAULT_TOKEN` (a root token, e.g. from `vault server -dev`) are set.
 * Either way the tests set it up and break it through this one interface.
 */
import { createConnection, createServer, type Server, type Socket } from "node:net";
import vault from "node-vault";
import { startVaultDouble, type TokenTtl } from "./vault-double.ts";

/** A Vault under test and the controls the tests use. */
export interface VaultTarget {
  /** The VAULT_ADDR functions use (a proxy in front of a real Vault, so it can "go down"). */
  url: string;
  /** True against a real Vault. */
  real: boolean;
  putPolicy(name: string, hcl: string): Promise<void>;
  addAppRole(name: string, policies: string[], ttl?: TokenTtl): Promise<{ roleId: string; secretId: string }>;
  /** Writes a new version of a KV v2 secret at its logical path (`shop/identity/jwt`). */
  put(path: string, data: Record<string, unknown>): Promise<void>;
  /** Creates a Transit key (the engine mounted at `transit/`), as setup.sh does; kept if it exists. */
  addTransitKey(name: string): Promise<void>;
  /** Refuses connections until `up()`. */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

/** The Vault of this test run: real when configured, else a fresh double. */
export async function vaultForTests(env: NodeJS.ProcessEnv = process.env): Promise<VaultTarget> {
  const addr = env.SHOP_TEST_VAULT_ADDR;
  const rootToken = env.SHOP_TEST_VAULT_TOKEN;
  if (!addr || !rootToken) {
    const double = await startVaultDouble();
    return {
      url: double.url,
      real: false,
      putPolicy: async (name, hcl) => double.putPolicy(name, hcl),
      addAppRole: async (name, policies, ttl) => double.addAppRole(name, policies, ttl),
      put: async (path, data) => double.put(path, data),
      addTransitKey: async (name) => double.addTransitKey(name),
      down: double.down,
      up: double.up,
      close: double.close,
    };
  }
  const admin = vault({ endpoint: addr, token: rootToken, debug: () => {} });
  const ignoreInUse = (error: { response?: { statusCode?: number } }) => {
    if (error.response?.statusCode !== 400) throw error;
  };
  await admin.mount({ mount_point: "shop", type: "kv", options: { version: "2" } }).catch(ignoreInUse);
  await admin.enableAuth({ mount_point: "approle", type: "approle" }).catch(ignoreInUse);
  const proxy = await startProxy(new URL(addr));
  return {
    url: proxy.url,
    real: true,
    putPolicy: async (name, rules) => void (await admin.addPolicy({ name, rules })),
    async addAppRole(name, policies, ttl = {}) {
      await admin.addApproleRole({
        role_name: name,
        // `policies` (token_policies' alias): node-vault sends only the fields its schema names.
        policies: policies.join(","),
        token_ttl: ttl.ttl ?? 3600,
        token_max_ttl: ttl.maxTtl ?? (ttl.ttl ?? 3600) * 24,
      });
      const roleId = (await admin.getApproleRoleId({ role_name: name })).data.role_id as string;
      const secretId = (await admin.getApproleRoleSecret({ role_name: name })).data.secret_id as string;
      return { roleId, secretId };
    },
    put: async (path, data) => void (await admin.write(`shop/data/${path.replace(/^shop\//, "")}`, { data })),
    async addTransitKey(name) {
      await admin.mount({ mount_point: "transit", type: "transit" }).catch(ignoreInUse);
      // Derived, as setup.sh makes it: every ciphertext is bound to its context (the order id).
      await admin.transitCreateKey({ name, derived: true });
    },
    down: proxy.down,
    up: proxy.up,
    close: proxy.down,
  };
}

// A TCP proxy to a real Vault that can stop answering, the way a Vault that is down does.
async function startProxy(target: URL) {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection(Number(target.port || 8200), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.once("close", () => sockets.delete(socket));
      socket.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  const listen = (port: number) =>
    new Promise<void>((resolve) => server.listen(port, "127.0.0.1", () => resolve()));
  await listen(0);
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    up: () => listen(port),
    down: () =>
      new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** infra/cluster/vault/policies: the policies the cluster uses, enforced by the double too. */
export const POLICIES_DIR = new URL("../../../../infra/cluster/vault/policies/", import.meta.url);

/**
 * Gives function `name` its cluster policy and an AppRole login; returns the environment the function
 * runs with (VAULT_ADDR, VAULT_ROLE_ID, VAULT_SECRET_ID).
 */
export async function provisionFunction(
  target: VaultTarget,
  name: string,
  ttl?: TokenTtl,
): Promise<Record<string, string>> {
  const { readFile } = await import("node:fs/promises");
  await target.putPolicy(`shop-${name}`, await readFile(new URL(`${name}.hcl`, POLICIES_DIR), "utf8"));
  const { roleId, secretId } = await target.addAppRole(`shop-${name}`, [`shop-${name}`], ttl);
  return { VAULT_ADDR: target.url, VAULT_ROLE_ID: roleId, VAULT_SECRET_ID: secretId };
}

/** Writes a signing key and a JWK set publishing `published` (default: just that key), as setup.sh does. */
export async function putSigningKey(
  target: VaultTarget,
  key: import("../auth/keys.ts").SigningKey,
  published: import("../auth/keys.ts").SigningKey[] = [key],
): Promise<void> {
  const { JWKS_PATH, SIGNING_KEY_PATH, publicJwk } = await import("../auth/keys.ts");
  // Public keys first: a token signed with the new key must never meet a verifier that cannot know it.
  await target.put(JWKS_PATH, { jwks: JSON.stringify({ keys: published.map(publicJwk) }) });
  await target.put(SIGNING_KEY_PATH, { kid: key.kid, privateJwk: JSON.stringify(key.privateJwk) });
}
