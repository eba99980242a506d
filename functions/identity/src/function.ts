/**
 * The identity function: accounts, logins and tokens.
 */

import { fileURLToPath } from "node:url";
import { defineFunction, runFunction } from "@shop/runtime";
import { readAdminCredentials } from "./config.ts";
import routes, { accessPolicy } from "./connect.ts";
import { outbox, processedEvents } from "./db/schema.ts";
import { subscriptions } from "./events/subscriptions.ts";
import { ensureAdmin } from "./identity/ensure-admin.ts";
import { createPasswordHasher } from "./identity/passwords.ts";

/** identity's definition. */
export const identityFunction = defineFunction({
  name: "identity",
  migrationsFolder: fileURLToPath(new URL("../migrations", import.meta.url)),
  outbox,
  processedEvents,
  subscriptions,
  routes,
  accessPolicy,
  async onStart(app) {
    const admin = await readAdminCredentials(app.secrets);
    const change = await app.transaction((tx) =>
      ensureAdmin(tx, admin, { passwords: createPasswordHasher(), now: new Date() }),
    );
    if (change !== "unchanged") app.logger.info({ email: admin.email, change }, "admin account %s", change);
    if (admin.isDevDefault) {
      // The dev defaults are public (DEV_ADMIN in @shop/runtime), so naming them here leaks nothing.
      app.logger.warn(
        "using the dev admin account %s / %s: set the secret shop/identity/admin outside development",
        admin.email,
        admin.password,
      );
    }
  },
});

