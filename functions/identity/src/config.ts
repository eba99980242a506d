/**
 * identity's own configuration: where the administrator's credentials live.
 */
import { DEV_ADMIN, type SecretStore } from "@shop/runtime";

/** The secret holding the admin account, `{ email, password }`. */
export const ADMIN_SECRET_PATH = "shop/identity/admin";

/** The admin credentials, and whether they are the well-known dev defaults. */
export interface AdminCredentials {
  email: string;
  password: string;
  isDevDefault: boolean;
}

/** Reads the admin credentials once; without a secret store entry, the dev defaults. */
export async function readAdminCredentials(secrets: SecretStore): Promise<AdminCredentials> {
  const secret = (await secrets.read(ADMIN_SECRET_PATH)) ?? DEV_ADMIN;
  const email = secret.email ?? "";
  const password = secret.password ?? "";
  return { email, password, isDevDefault: email === DEV_ADMIN.email && password === DEV_ADMIN.password };
}
