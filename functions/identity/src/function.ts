/**
 * The identity function: accounts, logins and tokens. The one composition root: it names identity,
 * parses its config, builds its dependencies, and lists its tables, routes, authorisation and
 * subscriptions on the shared runtime.
 */

import { fileURLToPath } from "node:url";
import { defineFunction } from "@shop/runtime";
import { ADMIN_SECRET_PATH, DEV_ADMIN, readIdentityConfig } from "./config.ts";
import routes, { policy } from "./connect.ts";
import { outbox, processedEvents } from "./db/schema.ts";
import { subscriptions } from "./events/subscriptions.ts";
import { onStart, setup } from "./setup.ts";

export { DEV_ADMIN } from "./config.ts";

/** identity's definition. */
export const identityFunction = defineFunction({
  name: "identity",
  migrationsFolder: fileURLToPath(new URL("../migrations", import.meta.url)),
  outbox,
  processedEvents,
  config: readIdentityConfig,
  // A local run without Vault serves the public dev admin, so every local process agrees on it.
  devSecrets: { [ADMIN_SECRET_PATH]: DEV_ADMIN },
  // The issuer publishes its public keys for the gateway and third parties (/.well-known/jwks.json).
  publishesKeys: true,
  setup,
  subscriptions,
  routes,
  policy,
  onStart,
});
