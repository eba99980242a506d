/**
 * How a function reaches Vault: the login methods and options of the Vault store, read from the
 * environment, and a secret-free account of a failed Vault call.
 */
import type { Logger } from "../logger.ts";

/** Where Kubernetes mounts a pod's service-account token. */
export const SERVICE_ACCOUNT_TOKEN_PATH = "/var/run/secrets/kubernetes.io/serviceaccount/token";

/** How a function logs in to Vault. `mount` is the auth method's path when not the default. */
export type VaultLogin =
  | { method: "kubernetes"; role: string; tokenPath?: string; mount?: string }
  | { method: "approle"; roleId: string; secretId?: string; mount?: string }
  | { method: "token"; token: string };

export interface VaultStoreOptions {
  /** VAULT_ADDR. */
  endpoint: string;
  login: VaultLogin;
  /** Path of the KV v2 engine; default `shop`. */
  mount?: string;
  /** Path of the Transit engine; default `transit`. */
  transitMount?: string;
  logger?: Logger;
  /** How long a value read is served from memory; default 60 s. */
  cacheTtlMs?: number;
  /** A `fresh` read is served from memory when younger than this (so bad tokens cannot hammer Vault). */
  freshAfterMs?: number;
  /** Renew the token when this share of its TTL has passed; default 0.75. */
  renewAt?: number;
  /** Waits between attempts while Vault is down or refuses: doubling from `retryMs` up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
  /** Secrets read at load, so a missing right shows at start; default `shop/jwks`. */
  preload?: string[];
  /** Per request; default 5 s. */
  timeoutMs?: number;
}

export interface VaultApiError {
  response?: { statusCode?: number; body?: { errors?: unknown[] } };
  code?: string;
  message?: string;
}

/**
 * A short, secret-free account of a failed Vault call: the HTTP status and Vault's first error, or the
 * network error code. Never the error object itself: axios errors carry the request (token header, body).
 */
export function describeVaultError(error: unknown): string {
  const { response, code, message } = (error ?? {}) as VaultApiError;
  if (response?.statusCode) {
    const first = response.body?.errors?.[0];
    const text =
      typeof first === "string"
        ? `: ${first.replace(/\s+/g, " ").replace(/^1 error occurred: \* /, "")}`
        : "";
    return `HTTP ${response.statusCode}${text.trim() ? text.trimEnd() : ""}`;
  }
  if (code && message)
    return message.includes(code) ? message.slice(0, 200) : `${code}: ${message.slice(0, 200)}`;
  return (message ?? String(error)).slice(0, 200);
}

// The seam speaks strings; a structured KV value (a JWK set) arrives as JSON text.
export function strings(data: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(data).map(([key, value]) => [
      key,
      typeof value === "string" ? value : JSON.stringify(value),
    ]),
  );
}

/** Reads the Vault store's options from the environment (README: "Secrets"). */
export function vaultOptionsFromEnv(env: NodeJS.ProcessEnv, logger?: Logger): VaultStoreOptions {
  const endpoint = env.VAULT_ADDR ?? "";
  let login: VaultLogin;
  if (env.VAULT_ROLE_ID) {
    login = { method: "approle", roleId: env.VAULT_ROLE_ID, secretId: env.VAULT_SECRET_ID ?? "" };
  } else if (env.VAULT_ROLE) {
    login = {
      method: "kubernetes",
      role: env.VAULT_ROLE,
      tokenPath: env.VAULT_K8S_TOKEN_PATH ?? SERVICE_ACCOUNT_TOKEN_PATH,
      ...(env.VAULT_K8S_MOUNT ? { mount: env.VAULT_K8S_MOUNT } : {}),
    };
  } else if (env.VAULT_TOKEN) {
    login = { method: "token", token: env.VAULT_TOKEN };
  } else {
    throw new Error(
      "VAULT_ADDR is set but there is no way to log in: set VAULT_ROLE (Kubernetes auth), " +
        "VAULT_ROLE_ID and VAULT_SECRET_ID (AppRole) or VAULT_TOKEN",
    );
  }
  return {
    endpoint,
    login,
    mount: env.VAULT_KV_MOUNT ?? "shop",
    transitMount: env.VAULT_TRANSIT_MOUNT ?? "transit",
    cacheTtlMs: Number(env.SHOP_SECRETS_CACHE_SECONDS ?? 60) * 1000,
    ...(logger ? { logger } : {}),
  };
}
