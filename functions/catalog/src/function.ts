/**
 * The catalog function: the products for sale, searchable and cacheable. Its one composition root.
 */

import { fileURLToPath } from "node:url";
import { defineFunction } from "@shop/runtime";
import { readCatalogConfig } from "./config.ts";
import routes, { policy } from "./connect.ts";
import { outbox, processedEvents } from "./db/schema.ts";
import { subscriptions } from "./events/subscriptions.ts";
import { setup } from "./setup.ts";

/** catalog's definition. */
export const catalogFunction = defineFunction({
  name: "catalog",
  migrationsFolder: fileURLToPath(new URL("../migrations", import.meta.url)),
  outbox,
  processedEvents,
  config: readCatalogConfig,
  setup,
  subscriptions,
  routes,
  policy,
});
