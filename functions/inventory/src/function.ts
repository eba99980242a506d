/**
 * The inventory function: its definition, and a server when run directly (`pnpm start`).
 */

import { fileURLToPath } from "node:url";
import { defineFunction, runFunction } from "@shop/runtime";
import routes, { accessPolicy } from "./connect.ts";
import { outbox, processedEvents } from "./db/schema.ts";
import { subscriptions } from "./events/subscriptions.ts";

/** The inventory: stock per product, reserved for priced orders, released or sold as orders end. */
export const inventoryFunction = defineFunction({
  name: "inventory",
  migrationsFolder: fileURLToPath(new URL("../migrations", import.meta.url)),
  outbox,
  processedEvents,
  subscriptions,
  routes,
  accessPolicy,
});

