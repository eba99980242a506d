/**
 * Which secret store a function uses, and the secrets that shape its config.
 */
import { type DatabaseConfig, envSecretStore, type SecretStore } from "../config.ts";
import type { Logger } from "../logger.ts";
import { vaultSecretStore } from "./vault.ts";
import { vaultOptionsFromEnv } from "./vault-options.ts";

export { type VaultSecretStore, vaultSecretStore } from "./vault.ts";
export {
  describeVaultError,
  SERVICE_ACCOUNT_TOKEN_PATH,
  type VaultLogin,
  type VaultStoreOptions,
  vaultOptionsFromEnv,
} from "./vault-options.ts";

/**
 * Vault when `VAULT_ADDR` is set (the cluster, or a developer's Vault); otherwise environment variables
 * and generated dev secrets, which the function's start log line says.
 */
export function createSecretStore(env: NodeJS.ProcessEnv = process.env, logger?: Logger): SecretStore {
  return env.VAULT_ADDR ? vaultSecretStore(vaultOptionsFromEnv(env, logger)) : envSecretStore(env);
}

/** The secret holding a function's database URL: `{ url }`. */
export function databaseSecretPath(name: string): string {
  return `shop/${name}/database`;
}

/**
 * The function's database from its secret `shop/<name>/database` when it has one with a Postgres `url`
 * (the cluster: no credentials in a manifest); otherwise `fallback` (DATABASE_URL, embedded mode).
 */
export async function databaseFromSecrets(
  name: string,
  secrets: SecretStore,
  fallback: DatabaseConfig,
): Promise<DatabaseConfig> {
  const url = (await secrets.read(databaseSecretPath(name)))?.url;
  return url?.startsWith("postgres") ? { kind: "postgres", url } : fallback;
}
