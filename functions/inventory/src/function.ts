/**
 * The inventory function: its one composition root.
 */

import { fileURLToPath } from "node:url";
import { defineFunction } from "@shop/runtime";
import { readInventoryConfig } from "./config.ts";
import routes, { policy } from "./connect.ts";
import { outbox, processedEvents } from "./db/schema.ts";
import { subscriptions } from "./events/subscriptions.ts";

/** The inventory: stock per product, reserved for priced orders, released or sold as orders end. */
export const inventoryFunction = defineFunction({
  name: "inventory",
  migrationsFolder: fileURLToPath(new URL("../migrations", import.meta.url)),
  outbox,
  processedEvents,
  config: readInventoryConfig,
  subscriptions,
  routes,
  policy,
});
