/**
 * The orders function: the one composition root. It names orders, parses its config, builds its
 * dependencies, and lists its tables, routes, authorisation, subscriptions and periodic work (the
 * saga's reconciler) on the shared runtime.
 */

import { fileURLToPath } from "node:url";
import { defineFunction } from "@shop/runtime";
import { readOrdersConfig } from "./config.ts";
import routes, { policy } from "./connect.ts";
import { outbox, processedEvents } from "./db/schema.ts";
import { onTick } from "./events/on-tick.ts";
import { subscriptions } from "./events/subscriptions.ts";
import { setup } from "./setup.ts";

/** The definition of orders. */
export const ordersFunction = defineFunction({
  name: "orders",
  migrationsFolder: fileURLToPath(new URL("../migrations", import.meta.url)),
  outbox,
  processedEvents,
  config: readOrdersConfig,
  setup,
  subscriptions,
  routes,
  policy,
  onTick,
});
