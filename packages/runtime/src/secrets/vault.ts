/**
 * Secrets from HashiCorp Vault through node-vault: log in (Kubernetes auth in the cluster, AppRole or a
 * token outside it), read and write KV v2 secrets, keep the token renewed, and cache what was read; encrypt and
 * decrypt with Transit keys (vault-transit.ts).
 *
 * Paths are the logical ones of the seam: `shop/orders/database` is key `orders/database` of the KV v2
 * engine mounted at `shop/` (API path `shop/data/orders/database`). With another mount (`secret`, the
 * one `vault server -dev` has), the whole logical path goes under it: `secret/data/shop/orders/database`.
 */
import { readFile } from "node:fs/promises";
import type NodeVault from "node-vault";
import { JWKS_PATH } from "../auth/keys.ts";
import type { SecretStore } from "../config.ts";
import {
  describeVaultError,
  SERVICE_ACCOUNT_TOKEN_PATH,
  strings,
  type VaultApiError,
  type VaultStoreOptions,
} from "./vault-options.ts";
import { vaultTransit } from "./vault-transit.ts";

/** A Vault-backed secret store (every optional part of the seam implemented). */
export type VaultSecretStore = Required<Omit<SecretStore, "useDevDefaults">>;

/** Builds a secret store over Vault. Nothing happens until `load()` or the first `read()`. */
export function vaultSecretStore(options: VaultStoreOptions): VaultSecretStore {
  const { endpoint, login, logger } = options;
  const mount = options.mount ?? "shop";
  const cacheTtlMs = options.cacheTtlMs ?? 60_000;
  const freshAfterMs = options.freshAfterMs ?? 1_000;
  const renewAt = options.renewAt ?? 0.75;
  const preload = options.preload ?? [JWKS_PATH];
  const timeoutMs = options.timeoutMs ?? 5_000;
  // node-vault (and axios under it) loads with the first request: a function without Vault never pays
  // its start-up time and memory.
  let client: Promise<NodeVault.client> | undefined;
  const vaultClient = () =>
    (client ??= import("node-vault").then(({ default: vault }) => {
      // debug off: node-vault's debug output would print login bodies (secret ids, service-account tokens).
      const created = vault({ endpoint, debug: () => {}, requestOptions: { timeout: timeoutMs } });
      // node-vault falls back to $VAULT_TOKEN; only the token login may send one before logging in.
      created.token = login.method === "token" ? login.token : "";
      return created;
    }));

  const cache = new Map<string, { at: number; value: Record<string, string> | undefined }>();
  const inFlight = new Map<string, Promise<Record<string, string> | undefined>>();
  let loaded = false;
  let healthy = false;
  let closed = false;
  let establishing: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  let problem: string | undefined;
  // When the token runs out by our clock: a busy event loop can delay a renewal past it.
  let expiresAt = Number.POSITIVE_INFINITY;

  const how =
    login.method === "kubernetes" ? `kubernetes login as role ${login.role}` : `${login.method} login`;
  const describe = () => `Vault at ${endpoint} (KV v2 mount "${mount}", ${how})`;

  // One log line per kind of problem (unreachable, or each HTTP status), not one per retry.
  function report(error: unknown, message: string) {
    const { response } = (error ?? {}) as VaultApiError;
    const kind = String(response?.statusCode ?? "unreachable");
    if (kind === problem) return;
    problem = kind;
    logger?.error({ vault: endpoint }, "%s", message);
  }
  function recovered() {
    if (problem) logger?.info({ vault: endpoint }, "Vault answers again; secrets are current");
    problem = undefined;
  }

  async function logIn(): Promise<{ ttl: number; renewable: boolean }> {
    const client = await vaultClient();
    if (login.method === "token") {
      const { data } = await client.tokenLookupSelf();
      return { ttl: Number(data?.ttl ?? 0), renewable: Boolean(data?.renewable) };
    }
    const response =
      login.method === "approle"
        ? await client.approleLogin({
            role_id: login.roleId,
            ...(login.secretId ? { secret_id: login.secretId } : {}),
            ...(login.mount ? { mount_point: login.mount } : {}),
          })
        : await client.kubernetesLogin({
            role: login.role,
            // Read at every login: projected service-account tokens are rotated by the kubelet.
            jwt: (await readFile(login.tokenPath ?? SERVICE_ACCOUNT_TOKEN_PATH, "utf8")).trim(),
            // Always named: node-vault's default path template renders an empty mount for this login.
            mount_point: login.mount ?? "kubernetes",
          });
    return { ttl: Number(response.auth?.lease_duration ?? 0), renewable: Boolean(response.auth?.renewable) };
  }

  // Renew-self with the lease's TTL before it runs out; once Vault caps the renewal (max TTL reached)
  // or a renewal fails, log in again.
  function schedule(ttl: number, renewable: boolean, increment: number) {
    clearTimeout(timer);
    expiresAt = ttl > 0 ? Date.now() + ttl * 1000 : Number.POSITIVE_INFINITY;
    if (closed || ttl <= 0) return;
    timer = setTimeout(
      () => {
        if (!renewable || ttl < increment) return void establish();
        vaultClient()
          .then((client) => client.tokenRenewSelf({ increment }))
          .then(
            (response: { auth?: { lease_duration?: number; renewable?: boolean } }) => {
              const renewed = Number(response.auth?.lease_duration ?? 0);
              logger?.debug({ ttl: renewed }, "Vault token renewed");
              schedule(renewed, response.auth?.renewable !== false, increment);
            },
            (error: unknown) => {
              logger?.warn(
                { vault: endpoint, problem: describeVaultError(error) },
                "Vault token renewal failed",
              );
              void establish();
            },
          );
      },
      Math.max(ttl * renewAt * 1000, 100),
    );
    timer.unref();
  }

  function establish(): Promise<void> {
    establishing ??= (async () => {
      healthy = false;
      let delay = options.retryMs ?? 1_000;
      let failures = 0;
      while (!closed) {
        try {
          const { ttl, renewable } = await logIn();
          schedule(ttl, renewable, ttl);
          for (const path of preload) await fetch(path);
          loaded = true;
          healthy = true;
          recovered();
          return;
        } catch (error) {
          // A single failure may be a blip (a keep-alive connection closed under us): said from the second.
          if (++failures >= 2) {
            report(
              error,
              `cannot get secrets from ${describe()}: ${describeVaultError(error)}. ` +
                "The function is not ready and keeps trying.",
            );
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, delay).unref();
          });
          delay = Math.min(delay * 2, options.maxRetryMs ?? 30_000);
        }
      }
    })().finally(() => {
      establishing = undefined;
    });
    return establishing;
  }

  function apiPath(path: string): string {
    const [first, ...rest] = path.split("/");
    return first === mount ? `${mount}/data/${rest.join("/")}` : `${mount}/data/${path}`;
  }

  function fetch(path: string): Promise<Record<string, string> | undefined> {
    let pending = inFlight.get(path);
    if (!pending) {
      const read = () => vaultClient().then((client) => client.read(apiPath(path)));
      pending = read()
        // A keep-alive connection Vault closed as we reused it: once more on a fresh one.
        .catch((error: VaultApiError) => (error.code === "ECONNRESET" ? read() : Promise.reject(error)))
        .then(
          (response: { data?: { data?: Record<string, unknown> } }) => strings(response.data?.data ?? {}),
          (error: unknown) => {
            // KV v2 answers a missing secret with 404 and no error text; other 404s are misconfiguration.
            const { statusCode, body } = (error as VaultApiError).response ?? {};
            if (statusCode === 404 && !body?.errors?.length) return undefined;
            throw error;
          },
        )
        .then((value: Record<string, string> | undefined) => {
          cache.set(path, { at: Date.now(), value });
          return value;
        })
        .finally(() => inFlight.delete(path));
      inFlight.set(path, pending);
    }
    return pending;
  }

  const freshReadAt = new Map<string, number>();

  return {
    ...vaultTransit(vaultClient, options.transitMount ?? "transit", async () => {
      if (!loaded) await establish();
    }),
    describe,
    load: () => (loaded ? Promise.resolve() : establish()),
    ready: () => loaded && healthy,
    async read(path, { fresh = false } = {}) {
      if (!loaded) await establish();
      const cached = cache.get(path);
      if (Date.now() >= expiresAt - 1_000) {
        // The token is about to run out unrenewed: log in again first, waiting no longer than one request.
        await Promise.race([establish(), new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
      }
      // A fresh read goes to Vault unless another fresh read of the path did within freshAfterMs: the
      // throttle is on fresh reads (unknown kids, which anyone can send), not on the last read of any kind.
      const now = Date.now();
      if (
        cached &&
        (fresh ? now - (freshReadAt.get(path) ?? 0) < freshAfterMs : now - cached.at < cacheTtlMs)
      ) {
        return cached.value;
      }
      if (fresh) freshReadAt.set(path, now);
      try {
        return await fetch(path);
      } catch (error) {
        const reason = describeVaultError(error);
        // Work in hand goes on with the last value while Vault is away; readiness tells the rest.
        if (cached) {
          report(error, `cannot refresh ${path} from ${describe()}: ${reason}; using the value read before`);
          return cached.value;
        }
        throw new Error(`cannot read the secret ${path} from ${describe()}: ${reason}`);
      }
    },
    async write(path, value) {
      if (!loaded) await establish();
      try {
        await (await vaultClient()).write(apiPath(path), { data: value });
      } catch (error) {
        throw new Error(`cannot write the secret ${path} to ${describe()}: ${describeVaultError(error)}`);
      }
      // This process reads what it wrote at once, whatever the cache held.
      cache.set(path, { at: Date.now(), value: { ...value } });
    },
    reload() {
      for (const entry of cache.values()) entry.at = 0;
      logger?.info("secrets will be read again from Vault");
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      wake?.();
      await establishing;
    },
  };
}
