/**
 * identity's own configuration: its costs, parsed once when the function starts (the definition's
 * `config`), and where the administrator's credentials live, with their public dev defaults.
 */
import type { SecretStore } from "@shop/runtime";
import { type AddressLimits, DEFAULT_ADDRESS_LIMITS } from "./identity/address-limiter.ts";
import { DEFAULT_COST, type ScryptCost } from "./identity/passwords.ts";

/** What `setup` builds identity's password hasher and address limiter with. */
export interface IdentityConfig {
  /** The scrypt cost of new password hashes. */
  passwordCost: ScryptCost;
  /** How many failed logins a client address may make, and how fast it earns them back. */
  addressLimits: AddressLimits;
  /** How many password reset requests one client address, and one email, may make, and how fast again. */
  resetLimits: AddressLimits;
}

/**
 * Reset requests: 5 at once per client and per email, one more every 5 minutes. Each sends an email,
 * so this bounds the mail one address can be sent and one client can cause.
 */
export const DEFAULT_RESET_LIMITS: AddressLimits = { burst: 5, refillSeconds: 5 * 60, maxAddresses: 100_000 };

/**
 * The config of identity. It reads no variable of `env` today: its costs are fixed in code, in this
 * one place, and tests lower them through `settings`.
 */
export function readIdentityConfig(_env: NodeJS.ProcessEnv): IdentityConfig {
  return {
    passwordCost: DEFAULT_COST,
    addressLimits: DEFAULT_ADDRESS_LIMITS,
    resetLimits: DEFAULT_RESET_LIMITS,
  };
}

/** The secret holding the admin account, `{ email, password }`. */
export const ADMIN_SECRET_PATH = "shop/identity/admin";

/**
 * The dev admin account: what a local run's secret store serves at ADMIN_SECRET_PATH (the
 * definition's `devSecrets`), printed at start. Public, so never the admin of a real deployment.
 */
export const DEV_ADMIN: { email: string; password: string } = {
  email: "admin@shop.test",
  password: "shop-admin-dev",
};

/** The admin credentials, and whether they are the well-known dev defaults. */
export interface AdminCredentials {
  email: string;
  password: string;
  isDevDefault: boolean;
}

/**
 * Reads the admin credentials once. There is no fallback here: a development store serves DEV_ADMIN
 * (the definition's `devSecrets`), and outside development the runtime does not start identity until
 * the secret exists (`requireSecrets`), so the public dev password never guards a real deployment.
 */
export async function readAdminCredentials(secrets: SecretStore): Promise<AdminCredentials> {
  const secret = await secrets.read(ADMIN_SECRET_PATH);
  if (!secret) throw new Error(`no admin account: the secret ${ADMIN_SECRET_PATH} is missing`);
  const email = secret.email ?? "";
  const password = secret.password ?? "";
  return { email, password, isDevDefault: email === DEV_ADMIN.email && password === DEV_ADMIN.password };
}
