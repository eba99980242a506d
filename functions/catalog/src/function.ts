/**
 * The catalog function: the products for sale, searchable and cacheable.
 */

import { fileURLToPath } from "node:url";
import { defineFunction, runFunction } from "@shop/runtime";
import routes, { accessPolicy } from "./connect.ts";
import { outbox, processedEvents } from "./db/schema.ts";
import { subscriptions } from "./events/subscriptions.ts";

/** catalog's definition. */
export const catalogFunction = defineFunction({
  name: "catalog",
  migrationsFolder: fileURLToPath(new URL("../migrations", import.meta.url)),
  outbox,
  processedEvents,
  subscriptions,
  routes,
  accessPolicy,
});

